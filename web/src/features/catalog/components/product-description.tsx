/** Plain text as paragraphs: a blank line starts a new one, a single line break stays a line break (CSS `pre-line`). */
export function ProductDescription({ text }: { text: string }) {
  const paragraphs = text.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
  return (
    <div className="product-description">
      {paragraphs.map((paragraph, i) => (
        <p key={i}>{paragraph}</p>
      ))}
    </div>
  );
}
