import type { Chantier } from "./carte";

export async function charger(url: string): Promise<Chantier[]> {
  const r = await fetch(url);
  return (await r.json()) as Chantier[];
}
