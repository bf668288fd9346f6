/**
 * The limits the schemas enforce, as plain values in one place: a change here changes the API,
 * the services' own checks and the web's forms at once.
 */

/** Checked by the identity service's password policy (the schema cannot say "not all the same character"). */
export const PASSWORD_MIN_LENGTH = 10;

export const SKU_MAX_LENGTH = 64;
export const SKU_PATTERN = new RegExp(`^[A-Z0-9._-]{1,${SKU_MAX_LENGTH}}$`);

export const PRODUCT_NAME_MAX_LENGTH = 200;
export const ADJUSTMENT_REASON_MAX_LENGTH = 200;
export const PRODUCT_SEARCH_MAX_LENGTH = 100;
export const PRODUCT_DESCRIPTION_MAX_LENGTH = 2000;
/** Bytes of one product image (1 MiB). */
export const PRODUCT_IMAGE_MAX_BYTES = 1024 * 1024;

export const MAX_LINES = 100;
export const MAX_QUANTITY = 1000;
export const ORDER_NOTE_MAX_LENGTH = 500;
