/**
 * The limits the schemas enforce, as plain values: the web's forms show the same rules without
 * loading the schemas for them, and a change here changes the API and the forms at once.
 */

/** Checked by the identity service's password policy (the schema cannot say "not all the same character"). */
export const PASSWORD_MIN_LENGTH = 10;

export const SKU_MAX_LENGTH = 64;
export const SKU_PATTERN = /^[A-Z0-9._-]{1,64}$/;

export const PRODUCT_NAME_MAX_LENGTH = 200;
export const ADJUSTMENT_REASON_MAX_LENGTH = 200;
export const PRODUCT_SEARCH_MAX_LENGTH = 100;

export const MAX_LINES = 100;
export const MAX_QUANTITY = 1000;
export const ORDER_NOTE_MAX_LENGTH = 500;
