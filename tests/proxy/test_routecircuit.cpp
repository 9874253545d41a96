// The circuit breaker's shared state without sockets: limits taken by compare-and-swap (never
// past them, whatever the threads do), and outlier ejection (after N failures in a row, for
// base × times ejected, within max_ejection_percent of the endpoint's routes).
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include <QTest>

#include "proxy/outlierejector.h"
#include "proxy/routebinding.h"
#include "proxy/routecircuit.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kMs = 1000000;  // ns
constexpr qint64 kStart = 1000 * 1000 * kMs;

// The routes of one endpoint as a worker binds them, sharing one EndpointCircuit.
struct Endpoint
{
    explicit Endpoint(int routes, CircuitBreakerPolicy policy)
        : circuit(std::make_shared<EndpointCircuit>(QUuid::createUuid()))
    {
        for (int i = 0; i < routes; ++i) {
            auto binding = std::make_shared<RouteBinding>();
            binding->routeId = QUuid::createUuid();
            binding->policy = policy;
            binding->circuit = std::make_shared<RouteCircuit>(binding->routeId, circuit->endpointId);
            binding->endpoint = circuit;
            bindings.push_back(binding);
            this->routes.push_back(binding);
        }
    }
    const RouteBinding &route(int i) const { return *bindings[std::size_t(i)]; }
    RouteCircuit &state(int i) const { return *bindings[std::size_t(i)]->circuit; }

    std::shared_ptr<EndpointCircuit> circuit;
    std::vector<std::shared_ptr<RouteBinding>> bindings;
    OutlierEjector::Routes routes;
};

CircuitBreakerPolicy ejecting(int consecutiveErrors, qint64 baseMs, int maxPercent)
{
    CircuitBreakerPolicy policy;
    policy.consecutiveErrors = consecutiveErrors;
    policy.baseEjectionMs = baseMs;
    policy.maxEjectionPercent = maxPercent;
    return policy;
}

// As a worker does it: the outcome, then the ejection when the run is long enough.
bool fail(const Endpoint &endpoint, int route, qint64 nowNs)
{
    if (!OutlierEjector::recordOutcome(endpoint.route(route), true))
        return false;
    return OutlierEjector::tryEject(endpoint.route(route), endpoint.routes, *endpoint.circuit, nowNs);
}

} // namespace

class TestRouteCircuit : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void tryAcquireStopsAtTheLimit_data();
    void tryAcquireStopsAtTheLimit();
    void limitsHoldAcrossThreads_data();
    void limitsHoldAcrossThreads();
    void ejectedAfterConsecutiveFailures_data();
    void ejectedAfterConsecutiveFailures();
    void ejectionTimeGrowsWithTimesEjected();
    void ejectionsStayWithinMaxPercent_data();
    void ejectionsStayWithinMaxPercent();
    void expiredEjectionGivesItsSlotBack();
    void routeThatLeftTheEndpointIsNotEjected();
    void oneWorkerEjectsOfMany();
};

void TestRouteCircuit::tryAcquireStopsAtTheLimit_data()
{
    QTest::addColumn<int>("limit");
    QTest::addColumn<int>("tries");
    QTest::addColumn<int>("taken");

    // Every limit is one of these: max_connections, max_pending_requests, held requests,
    // shadow copies in flight, ejected routes.
    QTest::newRow("limit 0: none") << 0 << 3 << 0;
    QTest::newRow("limit 1") << 1 << 3 << 1;
    QTest::newRow("limit 5, 3 tries") << 5 << 3 << 3;
    QTest::newRow("limit 5, 9 tries") << 5 << 9 << 5;
    QTest::newRow("negative limit") << -1 << 2 << 0;
    QTest::newRow("unlimited") << CircuitBreakerPolicy::kUnlimited << 1000 << 1000;
}

void TestRouteCircuit::tryAcquireStopsAtTheLimit()
{
    QFETCH(int, limit);
    QFETCH(int, tries);
    QFETCH(int, taken);
    RouteCircuit circuit(QUuid::createUuid(), QUuid::createUuid());
    int succeeded = 0;
    for (int i = 0; i < tries; ++i)
        succeeded += RouteCircuit::tryAcquire(circuit.connections, limit) ? 1 : 0;
    QCOMPARE(succeeded, taken);
    QCOMPARE(circuit.connections.load(), taken);
    // A slot given back can be taken again, once.
    if (taken > 0) {
        circuit.connections.fetch_sub(1);
        QVERIFY(RouteCircuit::tryAcquire(circuit.connections, limit));
        QCOMPARE(RouteCircuit::tryAcquire(circuit.connections, limit), taken < limit);
    }
}

void TestRouteCircuit::limitsHoldAcrossThreads_data()
{
    QTest::addColumn<int>("limit");
    QTest::newRow("max_connections 1") << 1;
    QTest::newRow("max_connections 7") << 7;
    QTest::newRow("max_pending_requests 100") << 100;
}

// Eight threads take and give back slots as fast as they can: the count never passes the
// limit, and every slot taken is given back exactly once.
void TestRouteCircuit::limitsHoldAcrossThreads()
{
    QFETCH(int, limit);
    std::atomic<int> counter{0};
    std::atomic<int> highest{0};
    std::atomic<bool> over{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 20000; ++i) {
                if (!RouteCircuit::tryAcquire(counter, limit))
                    continue;
                const int now = counter.load();
                if (now > limit)
                    over.store(true);
                int seen = highest.load();
                while (now > seen && !highest.compare_exchange_weak(seen, now)) {
                }
                counter.fetch_sub(1);
            }
        });
    }
    for (std::thread &thread : threads)
        thread.join();
    QVERIFY(!over.load());
    QVERIFY(highest.load() <= limit);
    QVERIFY(highest.load() >= 1);
    QCOMPARE(counter.load(), 0);
}

void TestRouteCircuit::ejectedAfterConsecutiveFailures_data()
{
    QTest::addColumn<int>("consecutiveErrors");
    QTest::addColumn<QByteArray>("outcomes");  // F: failure, S: success
    QTest::addColumn<int>("ejectedAt");        // index of the outcome that ejects; -1: none

    QTest::newRow("3 in a row") << 3 << QByteArray("FFF") << 2;
    QTest::newRow("a success breaks the run") << 3 << QByteArray("FFSFFSFF") << -1;
    QTest::newRow("run after a success") << 3 << QByteArray("FFSFFF") << 5;
    QTest::newRow("1: the first failure") << 1 << QByteArray("SSF") << 2;
    QTest::newRow("0: never") << 0 << QByteArray("FFFFFFFFFF") << -1;
    QTest::newRow("5 in a row") << 5 << QByteArray("FFFFSFFFFF") << 9;
}

void TestRouteCircuit::ejectedAfterConsecutiveFailures()
{
    QFETCH(int, consecutiveErrors);
    QFETCH(QByteArray, outcomes);
    QFETCH(int, ejectedAt);
    // Two routes at 50%: one of them may be out.
    Endpoint endpoint(2, ejecting(consecutiveErrors, 1000, 50));
    int ejected = -1;
    for (qsizetype i = 0; i < outcomes.size(); ++i) {
        const bool failure = outcomes.at(i) == 'F';
        const bool now = failure ? fail(endpoint, 0, kStart)
                                 : OutlierEjector::recordOutcome(endpoint.route(0), false);
        if (now) {
            QCOMPARE(ejected, -1);
            ejected = int(i);
        }
    }
    QCOMPARE(ejected, ejectedAt);
    QCOMPARE(endpoint.state(0).isEjected(kStart), ejectedAt >= 0);
    QCOMPARE(endpoint.circuit->ejected.load(), ejectedAt >= 0 ? 1 : 0);
    QCOMPARE(endpoint.state(0).ejections.load(), quint64(ejectedAt >= 0 ? 1 : 0));
    if (ejectedAt >= 0)
        QCOMPARE(endpoint.state(0).consecutiveFailures.load(), 0);  // the run starts again
}

// base × times ejected: out for 1 s, then 2 s, then 3 s; back in between.
void TestRouteCircuit::ejectionTimeGrowsWithTimesEjected()
{
    Endpoint endpoint(2, ejecting(2, 1000, 50));
    RouteCircuit &route = endpoint.state(0);
    qint64 now = kStart;
    for (int times = 1; times <= 3; ++times) {
        QVERIFY(!fail(endpoint, 0, now));
        QVERIFY(fail(endpoint, 0, now));
        QCOMPARE(route.timesEjected.load(), times);
        QCOMPARE(route.ejectedUntilNs.load(), now + times * 1000 * kMs);
        QVERIFY(route.isEjected(now + times * 1000 * kMs - 1));
        QVERIFY(!route.endExpiredEjection(now + times * 1000 * kMs - 1));
        // Failures while out do not extend it.
        QVERIFY(!fail(endpoint, 0, now + 1));
        QVERIFY(!fail(endpoint, 0, now + 2));
        QCOMPARE(route.ejectedUntilNs.load(), now + times * 1000 * kMs);
        now += times * 1000 * kMs;
        QVERIFY(!route.isEjected(now));
        OutlierEjector::endExpired(endpoint.routes, *endpoint.circuit, now);
        QCOMPARE(route.ejectedUntilNs.load(), 0);
        QCOMPARE(endpoint.circuit->ejected.load(), 0);
        route.consecutiveFailures.store(0);
    }
    QCOMPARE(route.ejections.load(), quint64(3));
}

void TestRouteCircuit::ejectionsStayWithinMaxPercent_data()
{
    QTest::addColumn<int>("routes");
    QTest::addColumn<int>("percent");
    QTest::addColumn<int>("ejected");

    QTest::newRow("0%") << 4 << 0 << 0;
    QTest::newRow("25% of 4") << 4 << 25 << 1;
    QTest::newRow("50% of 4") << 4 << 50 << 2;
    QTest::newRow("74% of 4: rounds down") << 4 << 74 << 2;
    QTest::newRow("75% of 4") << 4 << 75 << 3;
    QTest::newRow("100% of 4") << 4 << 100 << 4;
    QTest::newRow("10% of 3: none") << 3 << 10 << 0;
    QTest::newRow("34% of 3") << 3 << 34 << 1;
    QTest::newRow("50% of 1: none") << 1 << 50 << 0;
}

void TestRouteCircuit::ejectionsStayWithinMaxPercent()
{
    QFETCH(int, routes);
    QFETCH(int, percent);
    QFETCH(int, ejected);
    Endpoint endpoint(routes, ejecting(1, 60000, percent));
    int count = 0;
    for (int round = 0; round < 3; ++round) {
        for (int i = 0; i < routes; ++i)
            count += fail(endpoint, i, kStart) ? 1 : 0;
    }
    QCOMPARE(count, ejected);
    QCOMPARE(endpoint.circuit->ejected.load(), ejected);
    int out = 0;
    for (int i = 0; i < routes; ++i)
        out += endpoint.state(i).isEjected(kStart) ? 1 : 0;
    QCOMPARE(out, ejected);
}

// When an ejection's time is up its slot is free for another route.
void TestRouteCircuit::expiredEjectionGivesItsSlotBack()
{
    Endpoint endpoint(4, ejecting(1, 1000, 25));
    QVERIFY(fail(endpoint, 0, kStart));
    QVERIFY(!fail(endpoint, 1, kStart + 500 * kMs));  // 25% of 4: one at a time
    QCOMPARE(endpoint.circuit->ejected.load(), 1);
    // At the end of route 0's time, route 1's next failure finds the slot free.
    QVERIFY(fail(endpoint, 1, kStart + 1000 * kMs));
    QVERIFY(!endpoint.state(0).isEjected(kStart + 1000 * kMs));
    QVERIFY(endpoint.state(1).isEjected(kStart + 1000 * kMs));
    QCOMPARE(endpoint.circuit->ejected.load(), 1);
    // endEjection: the route left the snapshot, expired or not.
    QVERIFY(endpoint.state(1).endEjection());
    QVERIFY(!endpoint.state(1).endEjection());
}

void TestRouteCircuit::routeThatLeftTheEndpointIsNotEjected()
{
    Endpoint endpoint(2, ejecting(1, 1000, 100));
    Endpoint other(1, ejecting(1, 1000, 100));
    QVERIFY(OutlierEjector::recordOutcome(other.route(0), true));
    QVERIFY(!OutlierEjector::tryEject(other.route(0), endpoint.routes, *endpoint.circuit, kStart));
    QCOMPARE(endpoint.circuit->ejected.load(), 0);
    QVERIFY(!other.state(0).isEjected(kStart));
}

// Every worker sees the same run of failures: exactly one of them ejects.
void TestRouteCircuit::oneWorkerEjectsOfMany()
{
    for (int attempt = 0; attempt < 50; ++attempt) {
        Endpoint endpoint(2, ejecting(1, 1000, 100));
        endpoint.state(0).consecutiveFailures.store(1);
        std::atomic<int> ejections{0};
        std::atomic<bool> go{false};
        std::vector<std::thread> threads;
        for (int t = 0; t < 6; ++t) {
            threads.emplace_back([&] {
                while (!go.load()) {
                }
                if (OutlierEjector::tryEject(endpoint.route(0), endpoint.routes, *endpoint.circuit, kStart))
                    ejections.fetch_add(1);
            });
        }
        go.store(true);
        for (std::thread &thread : threads)
            thread.join();
        QCOMPARE(ejections.load(), 1);
        QCOMPARE(endpoint.circuit->ejected.load(), 1);
        QCOMPARE(endpoint.state(0).timesEjected.load(), 1);
    }
}

QTEST_GUILESS_MAIN(TestRouteCircuit)
#include "test_routecircuit.moc"
