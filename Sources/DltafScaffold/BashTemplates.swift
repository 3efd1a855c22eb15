/// The files of a bash plugin: an executable `plugin` sourcing the shell SDK (`plugin-sdk/shell/dltaf.sh`) by
/// absolute path, and `test.sh`, which starts it and checks its answers to a few protocol lines with jq.
///
/// Placeholders: `{{spec}}`, `{{name}}`, `{{plugin_name}}`, `{{description}}`, `{{sdk_shell}}` (the path of
/// `dltaf.sh` as a shell word).
enum BashTemplates {
    static func source(_ kind: ScaffoldKind) -> Template {
        switch kind {
        case .runner: Template("bash/plugin (runner)", runner)
        case .hook: Template("bash/plugin (hook)", hook)
        case .check: Template("bash/plugin (check)", check)
        }
    }

    static func test(_ kind: ScaffoldKind) -> Template {
        let prelude = #"""
            #!/usr/bin/env bash
            # Tests of {{spec}}: starts ./plugin, sends it protocol lines and checks each answer with jq.
            # Run: ./test.sh
            set -euo pipefail
            cd "$(dirname "$0")"
            PLUGIN=(./plugin)

            """#
        switch kind {
        case .runner: return Template("bash/test.sh (runner)", prelude + replayHelpers + runnerChecks)
        case .hook: return Template("bash/test.sh (hook)", prelude + replayHelpers + hookChecks)
        case .check: return Template("bash/test.sh (check)", prelude + replayHelpers + checkChecks)
        }
    }

    static let runner = #"""
        #!/usr/bin/env bash
        # {{spec}}: a dltaf runner of kind `{{name}}`, written with the shell SDK (bash 4+, jq).
        #
        # It counts the lines of the local file named by `source.path` (relative to the manifest's folder) and
        # reports them as rows. Replace the body of {{name}}_run with your load; keep {{name}}_validate honest.
        # stdout belongs to the protocol: the SDK sends `echo` to stderr (dltaf's log of this plugin).
        set -euo pipefail
        DLTAF_SHELL_SDK=${DLTAF_SHELL_SDK:-{{sdk_shell}}}
        source "$DLTAF_SHELL_SDK"

        dltaf_plugin {{plugin_name}} 0.1.0 "{{description}}"
        dltaf_runner {{name}} {{name}}_run {{name}}_validate "Counts the lines of the file at source.path"

        # Every problem of the manifest, each with the JSON Pointer of the key at fault.
        {{name}}_validate() {
          if [[ -z $(dltaf_manifest '.source.path | strings') ]]; then
            dltaf_diagnostics "$(dltaf_diagnostic error "source.path is required: the local file to load" /source/path {{name}}.missing_path)"
          else
            dltaf_diagnostics '[]'
          fi
        }

        {{name}}_run() {
          local path file lines
          path=$(dltaf_manifest '.source.path | strings')
          [[ -n $path ]] || dltaf_fail "source.path is required" CONFIG {{name}}.missing_path
          file=$(dltaf_abspath "$path")
          [[ -f $file && -r $file ]] || dltaf_fail "cannot read $file" DATA {{name}}.unreadable
          lines=$(grep -c '' "$file" || true) # every line, a last one without a newline too; 0 exits 1
          dltaf_progress "$lines" "$lines" lines
          dltaf_log info "counted $lines lines in $file"
          dltaf_run_result success "$lines lines in $path" "{\"rows_count\": $lines, \"tables_count\": 1}"
        }

        dltaf_serve

        """#

    static let hook = #"""
        #!/usr/bin/env bash
        # {{spec}}: a dltaf hook named `{{name}}`, written with the shell SDK (bash 4+, jq).
        #
        # On every run event (pre_run, post_run, on_error) it appends one JSON line to the file at `config.path`
        # (relative to the manifest's folder). Configure it under `run.hooks.config.{{name}}` and enable it with
        # `run.hooks.enable: [{{name}}]`. Answer `dltaf_hook_veto "why"` in pre_run to veto a run.
        set -euo pipefail
        DLTAF_SHELL_SDK=${DLTAF_SHELL_SDK:-{{sdk_shell}}}
        source "$DLTAF_SHELL_SDK"

        dltaf_plugin {{plugin_name}} 0.1.0 "{{description}}"
        dltaf_hook {{name}} {{name}}_hook "pre_run post_run on_error" "Appends one JSON line per run event to config.path"

        {{name}}_hook() {
          local path file entry
          path=$(dltaf_config '.path | strings')
          [[ -n $path ]] || dltaf_fail "{{name}}: config.path is required (run.hooks.config.{{name}}.path)" CONFIG {{name}}.missing_path
          file=$(dltaf_abspath "$path")
          entry=$(dltaf_param '{event: $event, run_id: .context.run_id, pipeline: .context.pipeline.name}
            + (if (.result | type) == "object" and (.result | has("status")) then {status: .result.status} else {} end)
            + (if (.error | type) == "object" then {error: .error.message} else {} end)' --arg event "$DLTAF_CALL_EVENT")
          { mkdir -p "$(dirname "$file")" && printf '%s\n' "$entry" >>"$file"; } || dltaf_fail "cannot append to $file" CONFIG
          dltaf_log info "$DLTAF_CALL_EVENT written to $file"
          dltaf_hook_ok
        }

        dltaf_serve

        """#

    static let check = #"""
        #!/usr/bin/env bash
        # {{spec}}: a dltaf online check named `{{name}}`, written with the shell SDK (bash 5+, jq).
        #
        # It opens a TCP connection (bash's /dev/tcp) to each `host:port` of `config.endpoints` (under
        # `run.online_checks.config.{{name}}`) and reports each latency. It applies when endpoints are configured.
        # Each probe waits at most `config.timeout_seconds`, or the check's own budget (at most 5 s).
        set -euo pipefail
        DLTAF_SHELL_SDK=${DLTAF_SHELL_SDK:-{{sdk_shell}}}
        source "$DLTAF_SHELL_SDK"

        dltaf_plugin {{plugin_name}} 0.1.0 "{{description}}"
        dltaf_check {{name}} {{name}}_check {{name}}_applies "TCP connect latency of config.endpoints (host:port)"

        {{name}}_endpoints() { dltaf_config '.endpoints | arrays | .[] | tostring'; }

        {{name}}_applies() {
          if [[ -n $({{name}}_endpoints) ]]; then
            dltaf_applies true "endpoints are configured"
          else
            dltaf_applies false "no endpoints in run.online_checks.config.{{name}}.endpoints"
          fi
        }

        {{name}}_check() {
          local endpoints=() errors=() latency='{}' endpoint host port limit started
          mapfile -t endpoints < <({{name}}_endpoints)
          if ((${#endpoints[@]} == 0)); then
            dltaf_check_result false "$(dltaf_json_array "no endpoints configured: set run.online_checks.config.{{name}}.endpoints to [host:port, ...]")"
            return
          fi
          limit=$(dltaf_param 'if (.config.timeout_seconds | type) == "number" then .config.timeout_seconds
            else [.timeout_seconds // 5, 5] | min end')
          for endpoint in "${endpoints[@]}"; do
            host=${endpoint%:*} port=${endpoint##*:}
            host=${host#\[} host=${host%\]} # [::1]:5432
            if [[ $endpoint != *:* || -z $host || ! $port =~ ^[0-9]{1,5}$ ]] || ((10#$port < 1 || 10#$port > 65535)); then
              errors+=("\"$endpoint\" is not host:port")
              continue
            fi
            started=${EPOCHREALTIME/[.,]/}
            if timeout "$limit" bash -c ': <>"/dev/tcp/$0/$1"' "$host" "$port" 2>/dev/null; then
              latency=$(jq -c --arg e "$endpoint" --argjson us "$((${EPOCHREALTIME/[.,]/} - started))" \
                '. + {($e): ($us / 100 | round / 10)}' <<<"$latency")
            else
              errors+=("$endpoint: no TCP connection within ${limit}s (refused, unreachable or timed out)")
            fi
          done
          if ((${#errors[@]} == 0)); then
            dltaf_check_result true '[]' '[]' "{\"latency_ms\": $latency}"
          else
            dltaf_check_result false "$(dltaf_json_array "${errors[@]}")" '[]' "{\"latency_ms\": $latency}"
          fi
        }

        dltaf_serve

        """#

    /// Functions of a `test.sh` that replays protocol lines against `"${PLUGIN[@]}"`; shared with Swift plugins.
    static let replayHelpers = #"""
        work=$(mktemp -d)
        trap 'rm -rf "$work"' EXIT
        passed=0

        fail() { # fail MESSAGE: reports a failed check, with the plugin's stderr, and exits 1
          echo "FAIL $*" >&2
          echo "--- stderr of ${PLUGIN[*]}:" >&2
          cat "$work/stderr" >&2 || true
          exit 1
        }

        start() { # starts the plugin as a coprocess; its stderr goes to $work/stderr
          coproc PLUGIN_PROCESS { DLTAF_PLUGIN=1 "${PLUGIN[@]}" 2>"$work/stderr"; }
          plugin_pid=$PLUGIN_PROCESS_PID plugin_in=${PLUGIN_PROCESS[1]} plugin_out=${PLUGIN_PROCESS[0]}
        }

        request() { # request ID METHOD PARAMS_JSON: sends a request; its response (notifications skipped) goes to $answer
          local id=$1 line
          jq -cn --argjson id "$id" --arg method "$2" --argjson params "$3" \
            '{jsonrpc: "2.0", id: $id, method: $method, params: $params}' >&"$plugin_in"
          answer=''
          while IFS= read -r -t 10 line <&"$plugin_out"; do
            if [[ $(jq -r '.id // empty' <<<"$line") == "$id" ]]; then
              answer=$line
              return 0
            fi
          done
          fail "no answer to request $id ($2) within 10 s"
        }

        expect() { # expect JQ_CONDITION DESCRIPTION: checks $answer
          if jq -e "$1" <<<"$answer" >/dev/null; then
            passed=$((passed + 1))
            echo "ok  $2"
          else
            fail "$2: the answer was $answer"
          fi
        }

        finish() { # closes the plugin's stdin, expects exit status 0, and prints the summary
          local status=0
          exec {plugin_in}>&-
          wait "$plugin_pid" || status=$?
          [[ $status == 0 ]] || fail "the plugin exited with status $status when its stdin closed (expected 0)"
          echo "ok  exits 0 when stdin closes"
          echo "$((passed + 1)) checks passed"
        }

        handshake() { # handshake JQ_CONDITION DESCRIPTION: starts the plugin and checks its initialize answer
          start
          request 1 initialize '{"protocol_versions": [1], "host": {"name": "test.sh", "version": "0"},
            "spec": "{{spec}}", "run_id": "test", "limits": {"max_line_bytes": 16777216}, "features": []}'
          expect "$1" "$2"
        }

        """#

    static let runnerChecks = #"""
        handshake '.result.provides.runners | map(.kind) == ["{{name}}"]' "the handshake advertises the runner"

        request 2 runner/validate '{"kind": "{{name}}", "manifest": {}, "context": {}}'
        expect '.result.diagnostics | any(.severity == "error" and .path == "/source/path")' \
          "an empty manifest gets a located error"

        printf 'a\nb\nc\n' >"$work/data.txt"
        params=$(jq -cn --arg dir "$work" \
          '{kind: "{{name}}", manifest: {source: {kind: "{{name}}", path: "data.txt"}}, context: {manifest_dir: $dir}, env: {}}')
        request 3 runner/validate "$params"
        expect '.result.diagnostics == []' "a manifest with source.path is valid"
        request 4 runner/run "$params"
        expect '.result.status == "success" and .result.load_metrics.rows_count == 3' "run counts the lines of the file"

        request 5 runner/run "$(jq -c '.manifest.source.path = "missing.txt"' <<<"$params")"
        expect '.error.code == -32000 and .error.data.category == "DATA"' "a missing file fails with a category"

        request 6 shutdown '{}'
        expect '.result == {}' "shutdown is answered"
        finish

        """#

    static let hookChecks = #"""
        handshake '.result.provides.hooks | map([.name, .events]) == [["{{name}}", ["pre_run", "post_run", "on_error"]]]' \
          "the handshake advertises the hook"

        params=$(jq -cn --arg dir "$work" \
          '{hook: "{{name}}", config: {path: "events.log"}, context: {manifest_dir: $dir, run_id: "test"}, manifest: {}}')
        request 2 hook/pre_run "$params"
        expect '.result.ok == true' "pre_run is answered ok"
        request 3 hook/post_run "$(jq -c '.result = {status: "success"}' <<<"$params")"
        expect '.result.ok == true' "post_run is answered ok"
        request 4 hook/on_error "$(jq -c '.error = {message: "boom", category: "UNKNOWN", code: "x"}' <<<"$params")"
        expect '.result.ok == true' "on_error is answered ok"
        answer=$(jq -sc 'map(.event)' "$work/events.log" 2>&1 || true)
        expect '. == ["pre_run", "post_run", "on_error"]' "each event appended a line"

        request 5 hook/pre_run '{"hook": "{{name}}", "config": {}, "context": {}, "manifest": {}}'
        expect '.error.code == -32000 and .error.data.category == "CONFIG"' "a missing config.path is a config error"

        request 6 shutdown '{}'
        expect '.result == {}' "shutdown is answered"
        finish

        """#

    static let checkChecks = #"""
        handshake '.result.provides.checks | map(.name) == ["{{name}}"]' "the handshake advertises the check"

        request 2 check/applies '{"check": "{{name}}", "config": {}, "context": {}, "manifest": {}}'
        expect '.result.applies == false' "without endpoints the check does not apply"
        request 3 check/run '{"check": "{{name}}", "config": {}, "context": {}, "manifest": {}, "timeout_seconds": 2}'
        expect '.result.ok == false and (.result.errors | length) > 0' "without endpoints the check fails with an error"

        # Port 1 (tcpmux) is closed on almost every machine.
        config='{"endpoints": ["127.0.0.1:1", "not-an-endpoint"], "timeout_seconds": 2}'
        request 4 check/applies "{\"check\": \"{{name}}\", \"config\": $config, \"context\": {}, \"manifest\": {}}"
        expect '.result.applies == true' "with endpoints the check applies"
        request 5 check/run "{\"check\": \"{{name}}\", \"config\": $config, \"context\": {}, \"manifest\": {}, \"timeout_seconds\": 2}"
        expect '.result.ok == false and (.result.errors | length) == 2' "a closed port and a malformed endpoint fail"

        request 6 shutdown '{}'
        expect '.result == {}' "shutdown is answered"
        finish

        """#

    /// How to run the test, for the README (from the plugin folder).
    static let testCommand = "./test.sh"

    /// More about the test, for the README.
    static let testNote = """
        It starts `./plugin`, sends it protocol lines one at a time and checks each answer with jq.
        """

    /// How to install it on `PATH`, for the README. Placeholders: `{{installed_name}}`, `{{sdk_shell}}`.
    static let install = #"""
        ```sh
        mkdir -p ~/.local/bin
        install -m 0755 plugin ~/.local/bin/{{installed_name}}
        ```

        The copy sources the shell SDK at {{sdk_shell}}; keep that checkout where it is, or edit the
        `DLTAF_SHELL_SDK=` line of the copy.
        """#
}
