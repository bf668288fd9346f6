/** Where a product's own page is. */
export const productPath = (sku: string) => `/products/${encodeURIComponent(sku)}`;
