# SPDX-License-Identifier: GPL-2.0
#
# ynl-vm.sh: runs inside the VM for tests/e2e/ynl.sh (dash, busybox).
# Drives the keyrot family once through YNL's cli.py with uapi/keyrot.yaml:
# flow-set, flow-get (do and dump), netns-get, seed-install refused and
# accepted, rekey-request, and the events group.  Needs /with/{keyrot.ko,
# krctl,python3.11,ynl-py,keyrot.yaml,vm-lib.sh,vm-check.sh}.
#
# Each cli.py run leaves /out/ynl/NAME.out (stdout, --output-json where
# there is a reply), NAME.err and NAME.rc; the host checks their content.
# Here only what needs the VM is checked.
set -u
. /with/vm-lib.sh
. /with/vm-check.sh
mkdir -p /out/ynl

kr_load || { nok load; exit 1; }
kr_hosts || { nok hosts; exit 1; }
export PYTHONHOME=/with/ynl-py LC_ALL=C.UTF-8

# ynl NAME ARGS...: cli.py in namespace a ($YNL_NS, "" for the initial).
ynl() {
	_n=$1
	shift
	${YNL_NS:+ip netns exec $YNL_NS} /with/python3.11 -s \
		/with/ynl-py/ynl/cli.py --spec /with/keyrot.yaml --no-schema "$@" \
		>/out/ynl/$_n.out 2>/out/ynl/$_n.err </dev/null
	echo $? >/out/ynl/$_n.rc
}
YNL_NS=a

ip netns exec a krctl create --hold --id-file /tmp/id >/dev/null &
PH=$!
waitfile /tmp/id || { nok flow-created; exit 1; }
ID=$(cat /tmp/id)
echo "$ID" >/out/ynl/flow-id
printf 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f >/tmp/s1
KEY=$(krctl keyid --seed-file /tmp/s1)
echo "$KEY" >/out/ynl/key-id
SEED=$(cat /tmp/s1)

# 10.99.0.2 is 0a630002: binary attributes are hex strings in YNL's JSON.
ynl flow-set --do flow-set --json "{\"id\": $ID, \"peer-addr\": \"0a630002\",
	\"peer-port\": 51819, \"peer-id\": 4242, \"role\": \"initiator\",
	\"cipher\": \"chacha20-poly1305\", \"cookie\": 77, \"max-payload\": 1200,
	\"watermark\": 1000, \"rekey-interval-ms\": 60000, \"event-ms\": 200}"
# What krctl sees of it: the same flow, as the kernel holds it.
ip netns exec a krctl show --json "$ID" >/out/ynl/krctl-show.json 2>&1
ynl flow-get-do --do flow-get --json "{\"id\": $ID}" --output-json
ynl flow-get-dump --dump flow-get --output-json
ynl netns-get --do netns-get --output-json
# The module-wide transform count is the initial namespace's business.
YNL_NS=
ynl netns-get-init --do netns-get --output-json
YNL_NS=a
ynl seed-install-wrong-key --do seed-install --json "{\"flow-id\": $ID,
	\"epoch\": 1, \"seed\": \"$SEED\", \"key-id\": \"0000000000000000\",
	\"peer-holds\": true}"
ynl seed-install --do seed-install --json "{\"flow-id\": $ID, \"epoch\": 1,
	\"seed\": \"$SEED\", \"key-id\": \"$KEY\", \"peer-holds\": true}"
ynl flow-get-seeded --do flow-get --json "{\"id\": $ID}" --output-json

# A subscriber that sleeps then reads what came; the need is a level and
# its event repeats every event-ms (200), so it hears it even if it joins
# after the request.
ip netns exec a /with/python3.11 -s /with/ynl-py/ynl/cli.py \
	--spec /with/keyrot.yaml --no-schema --subscribe events --sleep 6 \
	--output-json >/out/ynl/subscribe.out 2>/out/ynl/subscribe.err </dev/null &
PS=$!
sleep 2
check no-need-before-request sh -c \
	"ip netns exec a krctl show $ID | grep -q 'rekey not needed'"
ynl rekey-request --do rekey-request --json "{\"id\": $ID}"
wait $PS
echo $? >/out/ynl/subscribe.rc
check need-after-request sh -c \
	"ip netns exec a krctl show $ID | grep -q 'rekey needed: request'"
kill $PH
wait $PH
finish
