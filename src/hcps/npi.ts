// The US National Provider Identifier's check digit (CMS, "Requirements for the NPI Check Digit"): ten
// digits whose last is the Luhn (ISO/IEC 7812) check digit computed over the card-issuer prefix 80840
// followed by the first nine digits. Pure.

const NPI_PREFIX = "80840";

/** Luhn over a digit string whose last digit is the check digit: true when it balances. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = digits.length - 1, doubled = false; i >= 0; i--, doubled = !doubled) {
    let d = digits.charCodeAt(i) - 48;
    if (doubled) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Ten digits and a valid check digit over the 80840 prefix. */
export function isValidNpi(value: string): boolean {
  return /^\d{10}$/.test(value) && luhnValid(NPI_PREFIX + value);
}

/** The check digit that completes nine NPI digits (for generating valid NPIs, e.g. in the demo). */
export function npiCheckDigit(first9: string): number {
  for (let d = 0; d <= 9; d++) if (luhnValid(NPI_PREFIX + first9 + d)) return d;
  throw new Error(`not nine digits: ${first9}`);
}
