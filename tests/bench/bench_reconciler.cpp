// One reconciler pass over a large store: 10,000 endpoints and 50,000 routes (issue target: < 100 ms).
// Usage: bench_reconciler [endpoints] [routes-per-endpoint] [passes]
#include <algorithm>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTextStream>

#include "../support/manualclock.h"  // tests/ is not on the benches' include path
#include "benchstore.h"
#include "scheduler/reconciler.h"
#include "store/repository.h"

using namespace ServeDeck;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int endpoints = argc > 1 ? QByteArray(argv[1]).toInt() : 10000;
    const int perEndpoint = argc > 2 ? QByteArray(argv[2]).toInt() : 5;
    const int passes = argc > 3 ? QByteArray(argv[3]).toInt() : 10;
    QTextStream out(stdout);

    QTemporaryDir dir;
    Repository repository;
    if (!repository.open(dir.filePath(QStringLiteral("bench.db"))).ok())
        return 1;
    ManualClock clock;
    QElapsedTimer fill;
    fill.start();
    auto filled = BenchSupport::fillStore(repository, clock, endpoints, perEndpoint);
    if (!filled) {
        out << "fill failed: " << filled.error().message << '\n';
        return 1;
    }
    out << "store: " << endpoints << " endpoints, " << endpoints * perEndpoint << " routes (filled in "
        << fill.elapsed() << " ms)\n";

    for (int i = 0; i < 3; ++i) {
        QElapsedTimer t;
        t.start();
        auto c = repository.endpointRouteCounts();
        const qint64 countsMs = t.restart();
        auto r = repository.routesWithReplicas();
        out << "  queries: per-endpoint counts " << countsMs << " ms, routes with replicas " << t.elapsed() << " ms\n";
    }
    Reconciler reconciler(repository, clock, 5);
    reconciler.setReplicaProbe([](const Route &) { return true; });
    QList<qint64> steady;
    for (int i = 0; i < passes; ++i) {
        QElapsedTimer t;
        t.start();
        auto pass = reconciler.runOnce();
        steady << t.nsecsElapsed() / 1000;
        if (!pass || !pass->created.isEmpty() || !pass->draining.isEmpty()) {
            out << "unexpected work in a steady pass\n";
            return 1;
        }
    }
    std::sort(steady.begin(), steady.end());
    out << "steady pass (nothing to do): median " << steady[steady.size() / 2] / 1000.0 << " ms, max "
        << steady.last() / 1000.0 << " ms over " << passes << " passes\n";

    // 1% of the endpoints scaled by one replica: the pass writes 100 routes.
    auto all = repository.endpoints();
    for (int i = 0; i < endpoints / 100; ++i) {
        Endpoint e = all->at(i * 100);
        e.replicas += 1;
        static_cast<void>(repository.updateEndpoint(e));
    }
    QElapsedTimer t;
    t.start();
    auto pass = reconciler.runOnce();
    out << "pass creating " << pass->created.size() << " routes: " << t.nsecsElapsed() / 1e6 << " ms\n";
    return 0;
}
