//! Monte Carlo sweep throughput (draws routed per second) on the built-in network with
//! the shipped uncertainty scenario: one pair, and all hub pairs at once.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;

use corridor::route::Query;
use corridor::{Objective, PlaceId, Profile, builtin, scenario};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let network = builtin::network().unwrap().network;
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../data/scenarios/uncertainty.toml"
    );
    let file = scenario::parse(path, &std::fs::read(path).unwrap()).unwrap();
    let applied = scenario::apply(&network, &[file]).unwrap();
    let query = Query::new(
        network.resolve("xian").unwrap(),
        network.resolve("duisburg").unwrap(),
    );
    let profile = Profile::new(Objective::Time);
    let draws = 200;
    let mut group = c.benchmark_group("sweep");
    group.throughput(Throughput::Elements(draws as u64));
    group.sample_size(20);
    group.bench_function("xian->duisburg, 200 draws (all threads)", |b| {
        b.iter(|| {
            scenario::sweep(
                black_box(&applied.network),
                black_box(&applied.uncertain),
                &profile,
                &query,
                draws,
                7,
                &|| {},
            )
        })
    });
    // All ordered pairs of hubs (cities, ports, dry ports): one matrix per draw.
    let hubs: Vec<PlaceId> = (0..network.places().len() as u32)
        .map(PlaceId)
        .filter(|&p| network.place(p).kind.is_hub())
        .collect();
    let hub_draws = 500;
    group.throughput(Throughput::Elements(hub_draws as u64));
    group.sample_size(10);
    group.bench_function(
        format!(
            "all {} hub pairs, {hub_draws} draws (all threads)",
            hubs.len() * (hubs.len() - 1)
        ),
        |b| {
            b.iter(|| {
                scenario::sweep_matrix(
                    black_box(&applied.network),
                    black_box(&applied.uncertain),
                    &profile,
                    &hubs,
                    hub_draws,
                    7,
                    &|| {},
                )
            })
        },
    );
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
