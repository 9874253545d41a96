#pragma once

#include <vector>

#include <QByteArrayView>
#include <QtGlobal>

namespace ServeDeck {

// Chooses one of an endpoint's routes by weight. There is one per endpoint in each worker,
// so it needs no locking. Routes of weight 0 get nothing unless all weights are 0; then
// every route counts as weight 1.
//
// Without a sticky key: smooth weighted round-robin (nginx's algorithm). Every cycle of
// sum(weights) requests is split exactly and interleaved (70/30 sends 7 and 3 of every 10),
// so with N workers a split is off by at most about N requests in total. A random pick
// would be ±1 point (one standard deviation) at 2,000 requests and a canary of 5% visibly
// lumpy at a few hundred.
//
// With a sticky key: weighted rendezvous hashing (highest score w / -ln(hash(key, route))).
// The same key reaches the same route on every worker and after restarts as long as the
// routes are unchanged; when a route comes or goes, only the keys that go to it, or went
// to it, move. It needs no ring to build and keep per snapshot.
class RoutePicker
{
public:
    RoutePicker() = default;
    // routeKeys: one stable hash per route (of its id), the same order as weights.
    RoutePicker(const std::vector<int> &weights, const std::vector<quint64> &routeKeys);

    bool isEmpty() const { return m_slots.empty(); }
    qsizetype next();  // -1 when empty
    qsizetype sticky(QByteArrayView key) const;  // -1 when empty

    // The same among the routes eligible(index) accepts (those not ejected); -1 when none is.
    // The round-robin stays smooth over the eligible ones: their weights make the cycle.
    template<typename Eligible>
    qsizetype next(const Eligible &eligible)
    {
        qsizetype best = -1;
        qint64 total = 0;
        for (qsizetype i = 0; i < qsizetype(m_slots.size()); ++i) {
            Slot &slot = m_slots[std::size_t(i)];
            if (slot.weight == 0 || !eligible(i))
                continue;
            slot.current += slot.weight;
            total += slot.weight;
            if (best < 0 || slot.current > m_slots[std::size_t(best)].current)
                best = i;
        }
        if (best >= 0)
            m_slots[std::size_t(best)].current -= total;
        return best;
    }
    template<typename Eligible>
    qsizetype sticky(QByteArrayView key, const Eligible &eligible) const
    {
        return stickyAmong(key, [&eligible](qsizetype i) { return bool(eligible(i)); });
    }

    // Stable across processes and platforms (unlike qHash, which is seeded per process).
    static quint64 hash(QByteArrayView bytes);

private:
    template<typename Eligible>
    qsizetype stickyAmong(QByteArrayView key, const Eligible &eligible) const;
    double score(quint64 keyHash, qsizetype index) const;

    struct Slot
    {
        qint64 weight = 0;
        qint64 current = 0;
        quint64 key = 0;
    };

    std::vector<Slot> m_slots;
    qint64 m_total = 0;
};

template<typename Eligible>
qsizetype RoutePicker::stickyAmong(QByteArrayView key, const Eligible &eligible) const
{
    const quint64 keyHash = hash(key);
    qsizetype best = -1;
    double bestScore = 0;
    for (qsizetype i = 0; i < qsizetype(m_slots.size()); ++i) {
        if (m_slots[std::size_t(i)].weight == 0 || !eligible(i))
            continue;
        const double s = score(keyHash, i);
        if (best < 0 || s > bestScore) {
            best = i;
            bestScore = s;
        }
    }
    return best;
}

} // namespace ServeDeck
