/**
 * A SKU is one word: on a narrow screen it moves whole to the next line instead of breaking at a
 * hyphen, and one wider than its box is cut short, with the whole of it in the tooltip.
 */
export function Sku({ value }: { value: string }) {
  return (
    <span className="sku" title={value} translate="no">
      {value}
    </span>
  );
}
