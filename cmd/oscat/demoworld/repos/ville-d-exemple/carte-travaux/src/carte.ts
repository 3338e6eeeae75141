import * as L from "leaflet";

export interface Chantier {
  rue: string;
  debut: string;
  fin: string;
  coordonnees: [number, number];
}

export function afficher(carte: L.Map, chantiers: Chantier[]): void {
  for (const c of chantiers) {
    L.marker(c.coordonnees).addTo(carte).bindPopup(`${c.rue} : ${c.debut} → ${c.fin}`);
  }
}
