import { Type, type Static } from 'typebox';
import { Currency, Money, PageQuery, SingleLineText, Sku, Timestamp, Uuid, page } from './common';
import { ADJUSTMENT_REASON_MAX_LENGTH, PRODUCT_NAME_MAX_LENGTH, PRODUCT_SEARCH_MAX_LENGTH } from './limits';

export const Product = Type.Object({
  sku: Sku,
  name: Type.String(),
  price: Money,
  currency: Currency,
  onHand: Type.Integer({ minimum: 0 }),
  reserved: Type.Integer({ minimum: 0 }),
  available: Type.Integer({ minimum: 0, description: 'onHand - reserved' }),
  updatedAt: Timestamp,
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

export const CreateProductBody = Type.Object(
  { sku: Sku, name: ProductName, price: Money, onHand: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })) },
  { additionalProperties: false },
);
export type CreateProductBody = Static<typeof CreateProductBody>;

export const UpdateProductBody = Type.Object(
  { name: Type.Optional(ProductName), price: Type.Optional(Money) },
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
