/**
 * A comparison key for DNs (RFC 4514), so that the same entry written two ways is recognised:
 * `cn=Ops\, East,DC=Example` and `CN=ops\2C east, dc=example` give the same key. Servers write
 * member values and entry DNs differently (slapd turns `\,` into `\2C`; AD keeps the case the
 * admin typed), and the sync matches one against the other.
 *
 * Attribute types and values are compared case-insensitively (true for the naming attributes in
 * practice: cn, uid, ou, dc, o). Values written as #hex (BER) are kept as they are, lower-cased.
 * The key is for comparing only; never send it to a server.
 */
export function dnKey(dn: string): string {
  const rdns: string[][] = [[]];
  let type = '';
  let value: number[] = [];
  let inValue = false;
  let pendingSpaces: number[] = []; // unescaped spaces: dropped if trailing
  const push = (bytes: number[]) => {
    if (pendingSpaces.length && value.length) value.push(...pendingSpaces);
    pendingSpaces = [];
    value.push(...bytes);
  };
  const endAva = () => {
    const text = Buffer.from(value).toString('utf8');
    rdns[rdns.length - 1].push(`${type.trim().toLowerCase()}=${encodeURIComponent(text.toLowerCase())}`);
    type = '';
    value = [];
    pendingSpaces = [];
    inValue = false;
  };
  const bytes = Buffer.from(dn, 'utf8');
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (!inValue) {
      if (b === 0x3d /* = */) inValue = true;
      else type += String.fromCharCode(b);
      continue;
    }
    if (b === 0x5c /* \ */ && i + 1 < bytes.length) {
      const hex = Buffer.from(bytes.subarray(i + 1, i + 3)).toString('latin1');
      if (/^[0-9a-fA-F]{2}$/.test(hex)) {
        push([parseInt(hex, 16)]);
        i += 2;
      } else {
        push([bytes[i + 1]]);
        i += 1;
      }
      continue;
    }
    if (b === 0x2c /* , */ || b === 0x3b /* ; */) {
      endAva();
      rdns.push([]);
      continue;
    }
    if (b === 0x2b /* + */) {
      endAva();
      continue;
    }
    if (b === 0x20) {
      if (value.length) pendingSpaces.push(b); // leading spaces are dropped, inner ones kept if more follows
      continue;
    }
    push([b]);
  }
  if (inValue || type.trim()) endAva();
  return rdns
    .filter((avas) => avas.length)
    .map((avas) => avas.sort().join('+'))
    .join(',');
}

/** Whether two DNs name the same entry (see dnKey). */
export function sameDn(a: string, b: string): boolean {
  return dnKey(a) === dnKey(b);
}
