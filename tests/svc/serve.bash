# serve.bash - starting `certsvc serve` in the shell tests of tests/svc
# (sourced after ../lib.sh; $S is certsvc, $DATA its data directory).
#
# serve_start NAME [VAR=VALUE ...]: serve $DATA on a free loopback port
# with those variables in its environment (LD_PRELOAD=... for
# libfaketime, say); its output goes to $T/NAME.out and $T/NAME.err.
# Sets SPID (the process) and URL (where it listens, "" when it did not
# start within 10 s).
serve_start() {
	local name=$1
	shift
	env "$@" "$S" serve --data "$DATA" --listen 127.0.0.1:0 \
	    >"$T/$name.out" 2>"$T/$name.err" &
	SPID=$!
	for _ in $(seq 100); do
		grep -q 'listening on' "$T/$name.out" && break
		sleep 0.1
	done
	URL=$(sed -n 's/^certsvc: listening on //p' "$T/$name.out")
}
