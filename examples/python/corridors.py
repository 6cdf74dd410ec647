# %% [markdown]
# # Eurasian freight corridors from Python
#
# A notebook-style tour of the `corridor` Python package (cells in the `# %%` format of
# Jupyter, VS Code and jupytext; or run it top to bottom with
# `python examples/python/corridors.py` from the repository root). It compares the
# corridors between Xi'an and Duisburg, sweeps their reliability under uncertain ferry,
# border and rail times with a plot, runs a scenario, and maps the routes when geopandas
# is installed. Pictures go to `$CORRIDOR_EXAMPLE_OUTPUT` (default: the current folder).
#
# Install: `pip install ./crates/corridor-py matplotlib` (and `geopandas` for the map).

# %%
import os
from pathlib import Path

import matplotlib

if not os.environ.get("DISPLAY") and "ipykernel" not in os.sys.modules:
    matplotlib.use("Agg")  # no screen: write PNG files
import matplotlib.pyplot as plt

import corridor

ROOT = Path(__file__).resolve().parents[2] if "__file__" in globals() else Path.cwd()
OUT = Path(os.environ.get("CORRIDOR_EXAMPLE_OUTPUT", "."))
UNCERTAINTY = ROOT / "data" / "scenarios" / "uncertainty.toml"

net = corridor.Network.builtin()
print(net, net.summary()["places"], "places,", net.summary()["legs"], "legs")

# %% [markdown]
# ## 1. Compare the corridors
# The best route overall and the best on each corridor, one row per route.

# %%
table = net.compare("Xian", "Duisburg", as_frame=True)
print(table[["corridor", "time_days", "cost_usd", "co2_kg", "countries"]].to_string(index=False))

unserved = net.compare("Xian", "Duisburg")["unserved"]
for u in unserved:
    print(f"  {u['corridor']}: {u['reason']}")

# %% [markdown]
# ## 2. How reliable is each corridor?
# Ferry crossings, border dwell and rail transit times are uncertain
# (`data/scenarios/uncertainty.toml`). Each sweep routes 2,000 random draws, restricted to
# one corridor; the same seed gives the same answer on any machine or thread count.

# %%
uncertain = net.with_scenario(UNCERTAINTY)
spreads = {}
for name in table["corridor"]:
    s = uncertain.sweep("Xian", "Duisburg", corridors=name, samples=2_000, seed=7)
    spreads[name] = {k: v / 24 for k, v in s["time_h"].items()}  # days
    print(f"{name:20} p50 {spreads[name]['p50']:5.1f} d   p95 {spreads[name]['p95']:5.1f} d")

fig, ax = plt.subplots(figsize=(7, 3.5))
names = list(spreads)
for offset, key in zip((-0.2, 0.0, 0.2), ("p50", "p90", "p95")):
    ax.bar([i + offset for i in range(len(names))], [spreads[n][key] for n in names], 0.2, label=key)
ax.set_xticks(range(len(names)), names, rotation=15)
ax.set_ylabel("door-to-door days")
ax.set_title("Xi'an → Duisburg: spread of transit time per corridor (2,000 draws)")
ax.legend()
fig.tight_layout()
fig.savefig(OUT / "corridors-reliability.png", dpi=120)
print("wrote", OUT / "corridors-reliability.png")

# %% [markdown]
# ## 3. A scenario: the Northern route closes
# Scenarios are TOML, as text or files. `diff` puts the routes side by side.

# %%
closed = ROOT / "data" / "scenarios" / "northern-route-closed.toml"
d = net.diff("Xian", "Duisburg", closed)
print("baseline:", " ".join(d["baseline"]["countries"]), f"{d['baseline']['totals']['time_days']} days")
print("closed:  ", " ".join(d["scenario"]["countries"]), f"{d['scenario']['totals']['time_days']} days")
print("delta:   ", d["delta"])

no_russia = net.with_scenario('format_version = 1\n[[close]]\ncountry = "RU"\n')
print(no_russia.compare("Xian", "Duisburg", as_frame=True)[["corridor", "time_days", "cost_usd"]])

# %% [markdown]
# ## 4. A matrix between hubs, as a DataFrame

# %%
hubs = ["Xian", "Almaty", "Tashkent", "Baku"]
m = net.matrix(hubs, ["Duisburg", "Istanbul", "Rotterdam"], by="cost")
print(m.pivot(index="from", columns="to", values="cost_usd"))

# %% [markdown]
# ## 5. A map (needs geopandas)

# %%
try:
    import geopandas  # noqa: F401
except ImportError:
    print("geopandas is not installed: pip install geopandas to draw the map")
else:
    routes = corridor.to_geodataframe(net.compare("Xian", "Duisburg"))
    ax = routes.plot(column="label", legend=True, figsize=(9, 5), linewidth=2)
    ax.set_title("Xi'an → Duisburg, best route per corridor")
    ax.figure.savefig(OUT / "corridors-map.png", dpi=120)
    print("wrote", OUT / "corridors-map.png")
