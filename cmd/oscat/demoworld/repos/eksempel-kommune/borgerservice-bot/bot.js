// Svar på de mest stillede spørgsmål.
const svar = {
  "åbningstider": "Borgerservice har åbent mandag til fredag kl. 10-15.",
  "flytning": "Flytning meldes på borger.dk.",
};

export function besvar(spørgsmål) {
  for (const [ord, tekst] of Object.entries(svar)) {
    if (spørgsmål.toLowerCase().includes(ord)) return tekst;
  }
  return "Ring til borgerservice på 70 00 00 00.";
}
