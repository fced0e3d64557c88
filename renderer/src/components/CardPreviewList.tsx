/** Shows each pasted card's name and fingerprint (or why it is invalid) while the holder types. */
import { useEffect, useState } from 'react';
import { previewCards, type CardPreview } from '../lib/card-preview.js';

interface Props {
  text: string;
  id: string;
}

export function CardPreviewList({ text, id }: Props) {
  const [previews, setPreviews] = useState<CardPreview[]>([]);
  useEffect(() => {
    let live = true;
    const t = setTimeout(() => {
      previewCards(text).then(
        (p) => live && setPreviews(p),
        () => live && setPreviews([]),
      );
    }, 200);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [text]);
  if (previews.length === 0) return null;
  return (
    <ul className="members" id={id} data-testid="card-preview" aria-live="polite">
      {previews.map((p) =>
        p.ok ? (
          <li key={p.card}>
            <span className="member-name">{p.name}</span> <span className="fingerprint">{p.fingerprint}</span>
          </li>
        ) : (
          <li key={p.card} className="invalid">
            Invalid card: {p.error}
          </li>
        ),
      )}
    </ul>
  );
}
