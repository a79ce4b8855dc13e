/**
 * The playground's flow tools: read a `hubble observe -o json` export from a real cluster into
 * the graph and the flow table, and write least-privilege policies from the flows seen (in the
 * terminal or imported) into a new editor file, where they apply at once like any other edit.
 */
import type { GeneratedPolicies } from '../../worker/api.ts';

export interface FlowToolsBackend {
  importFlows(text: string): Promise<{ imported: number; problems: string[] }>;
  generatePolicies(options: { l7: boolean; fqdn: boolean }): Promise<GeneratedPolicies>;
}

export interface FlowToolsOptions {
  backend: FlowToolsBackend;
  /** Adds (or replaces) a file of the editor and the cluster, and shows it. */
  addFile(name: string, text: string): void;
}

/** The file generated policies go to; a second run replaces it. */
export const GENERATED_FILE = 'generated-policies.yaml';

export function mountFlowTools(root: HTMLElement, options: FlowToolsOptions): void {
  const out = root.querySelector<HTMLElement>('[data-role="flow-tools-status"]')!;
  const say = (text: string) => (out.textContent = text);
  const fileInput = root.querySelector<HTMLInputElement>('[data-role="import-flows"]')!;
  const l7 = root.querySelector<HTMLInputElement>('[data-role="generate-l7"]')!;
  const fqdn = root.querySelector<HTMLInputElement>('[data-role="generate-fqdn"]')!;
  const generate = root.querySelector<HTMLButtonElement>('[data-role="generate"]')!;

  fileInput.addEventListener('change', async () => {
    const file = fileInput.files?.[0];
    if (!file) return;
    say(`Reading ${file.name}…`);
    try {
      const r = await options.backend.importFlows(await file.text());
      const problems = r.problems.length > 0 ? ` Skipped: ${r.problems.join('; ')}.` : '';
      say(
        r.imported === 0
          ? `No flows found in ${file.name}. Export them with hubble observe -o json.${problems}`
          : `Imported ${r.imported} flow${r.imported === 1 ? '' : 's'} from ${file.name}; they are in the graph, the flow table and hubble observe.${problems}`,
      );
    } catch (error: unknown) {
      say(
        `${file.name} could not be read: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      fileInput.value = '';
    }
  });

  generate.addEventListener('click', async () => {
    generate.disabled = true;
    try {
      const r = await options.backend.generatePolicies({ l7: l7.checked, fqdn: fqdn.checked });
      if (r.connections === 0) {
        say(
          'No allowed traffic seen yet: run some commands in the terminal (curl, nc, nslookup) or import flows first.',
        );
        return;
      }
      options.addFile(GENERATED_FILE, r.yaml);
      const notes = r.notes.length > 0 ? ` Note: ${r.notes.join(' ')}` : '';
      say(
        `${r.policies} polic${r.policies === 1 ? 'y' : 'ies'} from ${r.connections} connection${r.connections === 1 ? '' : 's'} in ${GENERATED_FILE}, applied now. Remove policies that let the traffic be seen (visibility rules) to check them alone.${notes}`,
      );
    } catch (error: unknown) {
      say(
        `No policies could be written: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      generate.disabled = false;
    }
  });
}
