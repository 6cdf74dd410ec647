"""Times `Network.matrix` from Python on a network folder: the same call as
`benches/examples/matrix_call.rs` (see `benches/python_matrix.sh`).

    python benches/python_matrix.py DIR FROM1,FROM2,... TO1,TO2,... [RUNS]

Loads the folder, answers the matrix once (compiling the graph), then times RUNS
(default 5) more calls, each returning the pandas DataFrame, and prints one JSON line.
"""

import json
import sys
import time

import corridor


def main() -> None:
    folder, origins, destinations = sys.argv[1], sys.argv[2].split(","), sys.argv[3].split(",")
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    net = corridor.Network.load(folder)
    warm = net.matrix(origins, destinations)
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        frame = net.matrix(origins, destinations)
        seconds.append(time.perf_counter() - start)
        assert frame.equals(warm)
    print(json.dumps({"language": "python", "seconds": seconds}))


if __name__ == "__main__":
    main()
