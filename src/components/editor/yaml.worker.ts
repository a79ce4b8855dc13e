// The YAML language service (completion, hover and outline from the policy schemas), bundled as a
// module worker.
import 'monaco-yaml/yaml.worker';
