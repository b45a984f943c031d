// The request context an authorization decision reads: condition keys and their values.
// Key names are case-insensitive (IAM: "Condition key names are not case-sensitive"), values are not.

export const CONTEXT_KEY_TYPES = [
  'string', 'stringList', 'numeric', 'numericList', 'boolean', 'booleanList',
  'ip', 'ipList', 'binary', 'binaryList', 'date', 'dateList',
] as const;
/** IAM's ContextKeyTypeEnum (SimulateCustomPolicy), also used to mark multi-valued keys. */
export type ContextKeyType = (typeof CONTEXT_KEY_TYPES)[number];

export interface ContextEntry {
  /** The key as the caller spelled it (for explanations). */
  readonly name: string;
  readonly values: readonly string[];
  /** A multi-valued key (ArrayOf… / `…List`): only set operators read it; any other operator fails closed. */
  readonly multi: boolean;
  readonly type: ContextKeyType | undefined;
}

export type ContextInput = Readonly<Record<string, string | readonly string[] | { readonly type: ContextKeyType; readonly values: readonly string[] }>>;

// Request contexts are built per request from a handful of recurring key names; remembering their
// lowercase spelling saves an allocation per key. Bounded, so arbitrary names cannot grow it.
const LOWER = new Map<string, string>();
const LOWER_LIMIT = 4096;

function lower(name: string): string {
  let l = LOWER.get(name);
  if (l === undefined) {
    l = name.toLowerCase();
    if (LOWER.size >= LOWER_LIMIT) LOWER.clear();
    LOWER.set(name, l);
  }
  return l;
}

export class RequestContext {
  private readonly byKey: Map<string, ContextEntry>;

  private constructor(byKey: Map<string, ContextEntry>) {
    this.byKey = byKey;
  }

  /**
   * Builds a context: a string is a single-valued key, an array a multi-valued key, and a typed
   * entry follows its ContextKeyType (`…List` types are multi-valued). A later spelling of the
   * same key (case-insensitively) replaces an earlier one.
   */
  static from(input: ContextInput): RequestContext {
    const byKey = new Map<string, ContextEntry>();
    const names = Object.keys(input);
    for (let i = 0; i < names.length; i++) {
      const name = names[i] as string;
      const raw = input[name];
      let entry: ContextEntry;
      if (typeof raw === 'string') entry = { name, values: [raw], multi: false, type: undefined };
      else if (Array.isArray(raw)) entry = { name, values: raw as readonly string[], multi: true, type: undefined };
      else {
        const typed = raw as { readonly type: ContextKeyType; readonly values: readonly string[] };
        entry = { name, values: typed.values, multi: typed.type.endsWith('List'), type: typed.type };
      }
      byKey.set(lower(name), entry);
    }
    return new RequestContext(byKey);
  }

  static readonly empty: RequestContext = new RequestContext(new Map());

  /** Looks a key up by its lowercased name. */
  get(lowerKey: string): ContextEntry | undefined {
    return this.byKey.get(lowerKey);
  }

  /** A copy with more entries; later entries win, case-insensitively. */
  with(input: ContextInput): RequestContext {
    const more = RequestContext.from(input);
    const byKey = new Map(this.byKey);
    for (const [k, v] of more.byKey) byKey.set(k, v);
    return new RequestContext(byKey);
  }

  entries(): IterableIterator<ContextEntry> {
    return this.byKey.values();
  }
}
