import { Type, type Static } from 'typebox';
import { Currency, Money, MultiLineText, PageQuery, SingleLineText, Sku, Timestamp, Uuid, page } from './common';
import { ADJUSTMENT_REASON_MAX_LENGTH, PRODUCT_DESCRIPTION_MAX_LENGTH, PRODUCT_NAME_MAX_LENGTH, PRODUCT_SEARCH_MAX_LENGTH } from './limits';

export const Product = Type.Object({
  sku: Sku,
  name: Type.String(),
  price: Money,
  currency: Currency,
  onHand: Type.Integer({ minimum: 0 }),
  reserved: Type.Integer({ minimum: 0 }),
  available: Type.Integer({ minimum: 0, description: 'onHand - reserved' }),
  updatedAt: Timestamp,
  // Always sent; optional so that a reader checking pages against this schema (orders' catalog
  // copy) still accepts them from an inventory replica that predates these fields.
  description: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'plain text; line breaks separate paragraphs' })),
  imageUrl: Type.Optional(Type.Union([Type.String(), Type.Null()], {
    description: 'where the image is served, `/api/products/{sku}/image?v=…`; a new image gets a new URL, so it may be cached forever',
  })),
});
export type Product = Static<typeof Product>;

export const ProductList = page(Product);
export type ProductList = Static<typeof ProductList>;

export const ListProductsQuery = Type.Object(
  { q: Type.Optional(SingleLineText({ minLength: 1, maxLength: PRODUCT_SEARCH_MAX_LENGTH, description: 'matches name or SKU, ignoring case and accents; best matches first, then by name' })), ...PageQuery },
  { additionalProperties: false },
);
export type ListProductsQuery = Static<typeof ListProductsQuery>;

export const SkuParams = Type.Object({ sku: Sku }, { additionalProperties: false });

const ProductName = SingleLineText({ minLength: 1, maxLength: PRODUCT_NAME_MAX_LENGTH });
const ProductDescription = Type.Union([MultiLineText({ maxLength: PRODUCT_DESCRIPTION_MAX_LENGTH }), Type.Null()], {
  description: 'plain text, may span lines; null or blank clears it',
});

/** The image types a product image may be, told by its bytes; it is stored and served as what they are. */
export const PRODUCT_IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type ProductImageType = (typeof PRODUCT_IMAGE_TYPES)[number];

/**
 * The Content-Types an upload may declare: any image type (a browser names a file's type by its
 * extension, which may be wrong) or none in particular. The bytes decide what is stored.
 */
export const PRODUCT_IMAGE_UPLOAD_TYPES = [...PRODUCT_IMAGE_TYPES, 'application/octet-stream'] as const;

export const ProductImageQuery = Type.Object(
  {
    v: Type.Optional(Type.String({
      pattern: '^[0-9a-f]{16}$',
      description: 'the image\'s version, as in `imageUrl`: the current one is cached for good, any other answer must be revalidated',
    })),
  },
  { additionalProperties: false },
);
export type ProductImageQuery = Static<typeof ProductImageQuery>;

export const CreateProductBody = Type.Object(
  {
    sku: Sku, name: ProductName, price: Money, onHand: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
    description: Type.Optional(ProductDescription),
  },
  { additionalProperties: false },
);
export type CreateProductBody = Static<typeof CreateProductBody>;

export const UpdateProductBody = Type.Object(
  { name: Type.Optional(ProductName), price: Type.Optional(Money), description: Type.Optional(ProductDescription) },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateProductBody = Static<typeof UpdateProductBody>;

export const AdjustmentBody = Type.Object(
  {
    delta: Type.Integer({ minimum: -1_000_000, maximum: 1_000_000, not: { const: 0 } }),
    reason: SingleLineText({ minLength: 1, maxLength: ADJUSTMENT_REASON_MAX_LENGTH }),
  },
  { additionalProperties: false },
);
export type AdjustmentBody = Static<typeof AdjustmentBody>;

export const MOVEMENT_KINDS = ['reservation', 'release', 'shipment', 'adjustment'] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];

export const Movement = Type.Object({
  id: Type.Integer(),
  sku: Sku,
  kind: Type.Enum(MOVEMENT_KINDS),
  quantity: Type.Integer({ description: 'signed change of onHand (adjustment, shipment) or reserved (reservation, release)' }),
  onHandChange: Type.Integer({ description: 'signed change of onHand: adjustments and shipments' }),
  reservedChange: Type.Integer({ description: 'signed change of reserved: reservations, releases and shipments (a shipment takes its units out of both)' }),
  orderId: Type.Union([Uuid, Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  actor: Type.Union([Uuid, Type.Null()], { description: 'the admin who made an adjustment; null for what orders caused' }),
  onHand: Type.Integer({ description: 'after the movement' }),
  reserved: Type.Integer({ description: 'after the movement' }),
  at: Timestamp,
});
export type Movement = Static<typeof Movement>;

export const MovementList = page(Movement);
export const ListMovementsQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });
