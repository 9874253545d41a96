// RoutePicker alone: smooth weighted round-robin sequences, weights renormalised over the
// eligible routes, sticky keys by rendezvous hashing; and RoutingView's choice of the group
// (header conditions) a request goes to, on a snapshot published the way ProxyServer does.
#include <memory>
#include <vector>

#include <QHash>
#include <QTest>

#include "proxy/proxyshared.h"
#include "proxy/routepicker.h"
#include "proxy/routestatstable.h"
#include "proxy/routingview.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

std::vector<quint64> keysFor(std::size_t count)
{
    std::vector<quint64> keys;
    for (std::size_t i = 0; i < count; ++i)
        keys.push_back(RoutePicker::hash(QByteArray(QByteArray("route-") + QByteArray::number(qulonglong(i)))));
    return keys;
}

RoutePicker pickerOf(const std::vector<int> &weights)
{
    return RoutePicker(weights, keysFor(weights.size()));
}

// Picks as letters: route 0 is 'a', 1 is 'b', ...; none is '-'.
char letter(qsizetype index)
{
    return index < 0 ? '-' : char('a' + index);
}

} // namespace

class TestRoutePicker : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void smoothSequence_data();
    void smoothSequence();
    void splitIsExactOverEveryCycle_data();
    void splitIsExactOverEveryCycle();
    void onlyEligibleRoutesAreRenormalised_data();
    void onlyEligibleRoutesAreRenormalised();
    void noRouteIsMinusOne();
    void stickyKeyKeepsItsRoute();
    void stickyKeyMovesOnlyWithItsRoute();
    void stickyKeysFollowTheWeights();
    void stickySkipsIneligibleRoutes();
    void headerConditionChoosesTheGroup_data();
    void headerConditionChoosesTheGroup();
};

void TestRoutePicker::smoothSequence_data()
{
    QTest::addColumn<std::vector<int>>("weights");
    QTest::addColumn<QByteArray>("sequence");

    // nginx's example: the heavy route's picks are spread, not bunched.
    QTest::newRow("5/1/1") << std::vector<int>{5, 1, 1} << QByteArray("aabacaa");
    QTest::newRow("70/30") << std::vector<int>{70, 30} << QByteArray("abaaabaabaabaaabaaba");
    // A 5% canary: exactly one pick in twenty, the same place in each cycle.
    QTest::newRow("95/5") << std::vector<int>{95, 5} << QByteArray("aaaaaaaaaabaaaaaaaaa" "aaaaaaaaaabaaaaaaaaa");
    QTest::newRow("equal") << std::vector<int>{1, 1, 1} << QByteArray("abcabc");
    QTest::newRow("weight 0 gets nothing") << std::vector<int>{2, 0, 1} << QByteArray("acaaca");
    QTest::newRow("all 0: all equal") << std::vector<int>{0, 0} << QByteArray("abab");
    QTest::newRow("negative as 0") << std::vector<int>{-3, 1} << QByteArray("bbbb");
    QTest::newRow("one route") << std::vector<int>{7} << QByteArray("aaa");
}

void TestRoutePicker::smoothSequence()
{
    QFETCH(std::vector<int>, weights);
    QFETCH(QByteArray, sequence);
    RoutePicker picker = pickerOf(weights);
    QByteArray picked;
    for (qsizetype i = 0; i < sequence.size(); ++i)
        picked.append(letter(picker.next()));
    QCOMPARE(picked, sequence);
}

void TestRoutePicker::splitIsExactOverEveryCycle_data()
{
    QTest::addColumn<std::vector<int>>("weights");
    QTest::addColumn<int>("cycles");

    QTest::newRow("95/5 x 20") << std::vector<int>{95, 5} << 20;
    QTest::newRow("70/30 x 20") << std::vector<int>{70, 30} << 20;
    QTest::newRow("50/30/20 x 10") << std::vector<int>{50, 30, 20} << 10;
    QTest::newRow("1/99 x 3") << std::vector<int>{1, 99} << 3;
}

// After every whole cycle of sum(weights) picks each route has had exactly its weight per cycle.
void TestRoutePicker::splitIsExactOverEveryCycle()
{
    QFETCH(std::vector<int>, weights);
    QFETCH(int, cycles);
    int total = 0;
    for (const int weight : weights)
        total += weight;
    RoutePicker picker = pickerOf(weights);
    std::vector<int> counts(weights.size(), 0);
    for (int cycle = 1; cycle <= cycles; ++cycle) {
        for (int i = 0; i < total; ++i)
            ++counts[std::size_t(picker.next())];
        for (std::size_t route = 0; route < weights.size(); ++route)
            QCOMPARE(counts[route], weights[route] * cycle);
    }
}

void TestRoutePicker::onlyEligibleRoutesAreRenormalised_data()
{
    QTest::addColumn<std::vector<int>>("weights");
    QTest::addColumn<QByteArray>("eligible");  // '1' per eligible route
    QTest::addColumn<QByteArray>("sequence");

    // Route a out: 30/20 is 60/40 of what is left, and still interleaved.
    QTest::newRow("50/30/20 without a") << std::vector<int>{50, 30, 20} << QByteArray("011") << QByteArray("bcbcbbcbcb");
    QTest::newRow("70/30 without b") << std::vector<int>{70, 30} << QByteArray("10") << QByteArray("aaaa");
    QTest::newRow("95/5 without a") << std::vector<int>{95, 5} << QByteArray("01") << QByteArray("bbbb");
    QTest::newRow("none eligible") << std::vector<int>{1, 1} << QByteArray("00") << QByteArray("---");
    QTest::newRow("all eligible") << std::vector<int>{5, 1, 1} << QByteArray("111") << QByteArray("aabacaa");
}

void TestRoutePicker::onlyEligibleRoutesAreRenormalised()
{
    QFETCH(std::vector<int>, weights);
    QFETCH(QByteArray, eligible);
    QFETCH(QByteArray, sequence);
    RoutePicker picker = pickerOf(weights);
    const auto isEligible = [&eligible](qsizetype i) { return eligible.at(i) == '1'; };
    QByteArray picked;
    for (qsizetype i = 0; i < sequence.size(); ++i)
        picked.append(letter(picker.next(isEligible)));
    QCOMPARE(picked, sequence);
}

void TestRoutePicker::noRouteIsMinusOne()
{
    RoutePicker empty;
    QVERIFY(empty.isEmpty());
    QCOMPARE(empty.next(), qsizetype(-1));
    QCOMPARE(empty.sticky("user-1"), qsizetype(-1));
    RoutePicker built({}, {});
    QVERIFY(built.isEmpty());
    QCOMPARE(built.next(), qsizetype(-1));
    QCOMPARE(built.next([](qsizetype) { return true; }), qsizetype(-1));
}

// The same key goes to the same route every time, and two pickers of the same routes (two
// workers, or one after a restart) agree.
void TestRoutePicker::stickyKeyKeepsItsRoute()
{
    const std::vector<int> weights{40, 40, 20};
    RoutePicker first = pickerOf(weights);
    RoutePicker second = pickerOf(weights);
    QSet<qsizetype> used;
    for (int user = 0; user < 200; ++user) {
        const QByteArray key = QByteArray("user-" + QByteArray::number(user));
        const qsizetype route = first.sticky(key);
        QVERIFY(route >= 0 && route < 3);
        used.insert(route);
        for (int again = 0; again < 3; ++again)
            QCOMPARE(first.sticky(key), route);
        QCOMPARE(second.sticky(key), route);
        first.next();  // round-robin picks in between change nothing
    }
    QCOMPARE(used.size(), 3);
}

// Rendezvous hashing: when a route goes, only the keys that were on it move; when it comes
// back, only keys move to it.
void TestRoutePicker::stickyKeyMovesOnlyWithItsRoute()
{
    const std::vector<int> weights{1, 1, 1, 1};
    const std::vector<quint64> keys = keysFor(4);
    const RoutePicker all(weights, keys);
    const RoutePicker withoutC({1, 1, 1}, {keys[0], keys[1], keys[3]});  // route c left the snapshot
    const std::vector<qsizetype> toAll{0, 1, 3};
    int moved = 0;
    for (int user = 0; user < 1000; ++user) {
        const QByteArray key = QByteArray("user-" + QByteArray::number(user));
        const qsizetype before = all.sticky(key);
        const qsizetype after = toAll[std::size_t(withoutC.sticky(key))];
        if (before == 2) {
            ++moved;
            QVERIFY(after != 2);
        } else {
            QCOMPARE(after, before);
        }
    }
    QVERIFY2(moved > 150 && moved < 350, qPrintable(u"%1 of 1000 keys were on route c"_s.arg(moved)));
}

void TestRoutePicker::stickyKeysFollowTheWeights()
{
    RoutePicker picker = pickerOf({70, 30, 0});
    int counts[3] = {0, 0, 0};
    constexpr int kKeys = 10000;
    for (int user = 0; user < kKeys; ++user)
        ++counts[picker.sticky(QByteArray("user-" + QByteArray::number(user)))];
    QCOMPARE(counts[2], 0);
    // Deterministic (the hash is fixed); the bound is what any uniform hash would meet.
    QVERIFY2(qAbs(counts[0] - 7000) < 300, qPrintable(u"%1 of %2 on the 70% route"_s.arg(counts[0]).arg(kKeys)));
}

void TestRoutePicker::stickySkipsIneligibleRoutes()
{
    RoutePicker picker = pickerOf({1, 1, 1});
    int movedFromB = 0;
    for (int user = 0; user < 300; ++user) {
        const QByteArray key = QByteArray("user-" + QByteArray::number(user));
        const qsizetype usual = picker.sticky(key);
        const qsizetype withoutB = picker.sticky(key, [](qsizetype i) { return i != 1; });
        QVERIFY(withoutB != 1);
        if (usual == 1)
            ++movedFromB;
        else
            QCOMPARE(withoutB, usual);  // the others stay put while b is ejected
    }
    QVERIFY(movedFromB > 0);
    QCOMPARE(picker.sticky("user-1", [](qsizetype) { return false; }), qsizetype(-1));
}

void TestRoutePicker::headerConditionChoosesTheGroup_data()
{
    QTest::addColumn<HeaderList>("headers");
    QTest::addColumn<QString>("group");  // the model version of the routes it holds; "none": a group without routes

    QTest::newRow("no header") << HeaderList{} << u"plain"_s;
    QTest::newRow("match") << HeaderList{{"target", "mountain"}} << u"mountain"_s;
    QTest::newRow("name in another case") << HeaderList{{"TARGET", "mountain"}} << u"mountain"_s;
    QTest::newRow("value trimmed") << HeaderList{{"target", "  mountain "}} << u"mountain"_s;
    QTest::newRow("value in another case") << HeaderList{{"target", "Mountain"}} << u"plain"_s;
    QTest::newRow("other value") << HeaderList{{"target", "sea"}} << u"plain"_s;
    QTest::newRow("other header") << HeaderList{{"x-target", "mountain"}} << u"plain"_s;
    // The first condition in the table's order wins when several match.
    QTest::newRow("two match") << HeaderList{{"tier", "gold"}, {"target", "mountain"}} << u"mountain"_s;
    QTest::newRow("second condition") << HeaderList{{"tier", "gold"}} << u"gold"_s;
    // A condition whose revision has no HEALTHY route still takes its requests: none of them
    // may fall through to the plain revision (the proxy then answers 503 NoHealthyRoute).
    QTest::newRow("matched, no route") << HeaderList{{"target", "desert"}} << u"none"_s;
}

void TestRoutePicker::headerConditionChoosesTheGroup()
{
    QFETCH(HeaderList, headers);
    QFETCH(QString, group);

    const QUuid plain = QUuid::createUuid();
    const QUuid mountain = QUuid::createUuid();
    const QUuid gold = QUuid::createUuid();
    const QUuid desert = QUuid::createUuid();
    EndpointTable table;
    table.endpointId = QUuid::createUuid();
    table.name = u"plants"_s;
    const auto condition = [](const QUuid &revision, const QByteArray &name, const QByteArray &value) {
        RevisionPolicy policy;
        policy.revisionId = revision;
        policy.matchHeaderName = name;
        policy.matchHeaderValue = value;
        return policy;
    };
    table.revisions = {condition(mountain, "target", "mountain"), condition(gold, "tier", "gold"),
                       condition(desert, "target", "desert")};
    const auto route = [](const QUuid &revision, const QString &version) {
        RouteTarget target;
        target.routeId = QUuid::createUuid();
        target.revisionId = revision;
        target.modelVersion = version;
        target.host = u"127.0.0.1"_s;
        target.port = 9;
        target.weight = 1;
        return target;
    };
    // Only HEALTHY routes are published: the desert revision has none.
    table.routes = {route(plain, u"plain"_s), route(mountain, u"mountain"_s), route(gold, u"gold"_s)};
    auto snapshot = std::make_shared<RoutingSnapshot>();
    snapshot->endpoints.insert(table.name, table);

    ProxyShared shared;
    shared.snapshot.store(snapshot);
    shared.generation.store(1);
    RouteStatsTable stats;
    RoutingView view(shared, stats);
    view.refresh();
    QCOMPARE(view.resolve("nowhere"), nullptr);
    RoutingView::Endpoint *endpoint = view.resolve("plants");
    QVERIFY(endpoint);
    QCOMPARE(endpoint->routes.size(), std::size_t(3));

    RoutingView::Group &chosen = RoutingView::groupFor(*endpoint, headers);
    if (group == u"none") {
        QVERIFY(chosen.routes.empty());
        QCOMPARE(chosen.headerValue, QByteArray("desert"));
        QCOMPARE(chosen.picker.next(), qsizetype(-1));
        return;
    }
    QCOMPARE(chosen.routes.size(), std::size_t(1));
    QCOMPARE(chosen.routes.front()->revisionText, group.toUtf8());
    QCOMPARE(chosen.picker.next(), qsizetype(0));
}

QTEST_GUILESS_MAIN(TestRoutePicker)
#include "test_routepicker.moc"
