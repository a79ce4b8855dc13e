/**
 * The editor's files and which one is shown, without any DOM or Monaco: the policy editor renders
 * the tab strip from this state and keeps one text model per file.
 */

/** A file in the editor. */
export interface EditorFile {
  name: string;
  text: string;
  /** Shown, selectable and searchable, but not editable (e.g. the cluster manifest). */
  readOnly?: boolean;
}

/** What `TabModel.setFiles` changed, so the caller can create, update and drop text models. */
export interface FilesUpdate {
  added: EditorFile[];
  /** Files that stay, with their new text and read-only flag. */
  kept: EditorFile[];
  removed: string[];
}

/** Throws on a list that the editor cannot show: nameless or duplicated files. */
export function checkFiles(files: readonly EditorFile[]): void {
  const seen = new Set<string>();
  for (const f of files) {
    if (typeof f.name !== 'string' || f.name === '') throw new Error('every file needs a name');
    if (seen.has(f.name)) throw new Error(`two files are called ${f.name}`);
    seen.add(f.name);
  }
}

export class TabModel {
  private files: EditorFile[] = [];
  private active: string | undefined;

  constructor(files: readonly EditorFile[]) {
    this.setFiles(files);
  }

  /** The files in tab order (copies). */
  list(): EditorFile[] {
    return this.files.map((f) => ({ ...f }));
  }

  names(): string[] {
    return this.files.map((f) => f.name);
  }

  get(name: string): EditorFile | undefined {
    const f = this.files.find((x) => x.name === name);
    return f ? { ...f } : undefined;
  }

  has(name: string): boolean {
    return this.files.some((f) => f.name === name);
  }

  /** The shown file's name; undefined only when there are no files. */
  get activeFile(): string | undefined {
    return this.active;
  }

  /** Records an edit. Returns false for an unknown file. */
  update(name: string, text: string): boolean {
    const f = this.files.find((x) => x.name === name);
    if (!f) return false;
    f.text = text;
    return true;
  }

  /** Shows `name`. Returns whether the shown file changed. */
  activate(name: string): boolean {
    if (!this.has(name) || this.active === name) return false;
    this.active = name;
    return true;
  }

  /**
   * Replaces the file list, keeping the shown file when it is still there (otherwise the first
   * file is shown).
   */
  setFiles(files: readonly EditorFile[]): FilesUpdate {
    checkFiles(files);
    const before = new Set(this.names());
    const next = files.map((f) => ({
      name: f.name,
      text: f.text,
      ...(f.readOnly ? { readOnly: true } : {}),
    }));
    const after = new Set(next.map((f) => f.name));
    const update: FilesUpdate = {
      added: next.filter((f) => !before.has(f.name)).map((f) => ({ ...f })),
      kept: next.filter((f) => before.has(f.name)).map((f) => ({ ...f })),
      removed: [...before].filter((name) => !after.has(name)),
    };
    this.files = next;
    if (this.active === undefined || !after.has(this.active)) this.active = next[0]?.name;
    return update;
  }

  /**
   * The tab a key press on the tab strip moves to (WAI-ARIA tabs pattern for a horizontal tab
   * list: Left and Right wrap around, Home and End go to the ends), or undefined for other keys.
   */
  keyTarget(key: string, from: string | undefined = this.active): string | undefined {
    const names = this.names();
    if (names.length === 0) return undefined;
    const i = from === undefined ? 0 : Math.max(0, names.indexOf(from));
    switch (key) {
      case 'ArrowRight':
        return names[(i + 1) % names.length];
      case 'ArrowLeft':
        return names[(i - 1 + names.length) % names.length];
      case 'Home':
        return names[0];
      case 'End':
        return names[names.length - 1];
      default:
        return undefined;
    }
  }
}
