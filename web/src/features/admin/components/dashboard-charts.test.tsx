import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { SingleLineTick } from './dashboard-charts';

describe('chart axis labels', () => {
  it('keep a label and its unit on one line: one text, never broken into lines', () => {
    const { container } = render(
      <svg>
        <SingleLineTick x={10} y={20} payload={{ value: 123_400 }} axis="y" format={(v) => `R$ ${Number(v) / 1000} mil`} />
      </svg>,
    );
    const texts = container.querySelectorAll('text');
    expect(texts).toHaveLength(1);
    expect(texts[0]!.textContent).toBe('R$ 123.4 mil');
    expect(container.querySelectorAll('tspan')).toHaveLength(0);
  });
});
