/**
 * Previews pasted device cards before they are proposed: each card's name and
 * fingerprint (to compare with its holder out of band), or why it is invalid.
 * shared/card.ts pulls in the curve code, so it is loaded on first use only.
 */
import { parseCardLines } from './input.js';

/** One pasted line, decoded or not. */
export type CardPreview = { card: string; ok: true; name: string; deviceId: string; fingerprint: string } | { card: string; ok: false; error: string };

/** Decodes every card in `text` (one per line). */
export async function previewCards(text: string): Promise<CardPreview[]> {
  const cards = parseCardLines(text);
  if (cards.length === 0) return [];
  const [{ decodeCard }, { deviceFingerprint }] = await Promise.all([import('../../../shared/card.js'), import('../../../shared/fingerprint.js')]);
  return cards.map((card): CardPreview => {
    try {
      const c = decodeCard(card);
      return { card, ok: true, name: c.name, deviceId: c.deviceId, fingerprint: deviceFingerprint(c.identityKey) };
    } catch (e) {
      return { card, ok: false, error: e instanceof Error ? e.message : 'not a valid device card' };
    }
  });
}
