#include "proxy/routepicker.h"

#include <algorithm>
#include <cmath>

namespace ServeDeck {

namespace {

// splitmix64's finalizer: FNV-1a alone leaves similar keys ("user-1", "user-2") with
// similar high bits, and rendezvous hashing needs every bit to be uniform.
quint64 mix(quint64 x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

} // namespace

RoutePicker::RoutePicker(const std::vector<int> &weights, const std::vector<quint64> &routeKeys)
{
    const bool anyPositive = std::any_of(weights.begin(), weights.end(), [](int w) { return w > 0; });
    m_slots.reserve(weights.size());
    for (std::size_t i = 0; i < weights.size(); ++i) {
        Slot slot;
        slot.weight = anyPositive ? std::max(weights[i], 0) : 1;
        slot.key = i < routeKeys.size() ? routeKeys[i] : quint64(i);
        m_total += slot.weight;
        m_slots.push_back(slot);
    }
}

qsizetype RoutePicker::next()
{
    qsizetype best = -1;
    for (qsizetype i = 0; i < qsizetype(m_slots.size()); ++i) {
        Slot &slot = m_slots[std::size_t(i)];
        if (slot.weight == 0)
            continue;
        slot.current += slot.weight;
        if (best < 0 || slot.current > m_slots[std::size_t(best)].current)
            best = i;
    }
    if (best >= 0)
        m_slots[std::size_t(best)].current -= m_total;
    return best;
}

qsizetype RoutePicker::sticky(QByteArrayView key) const
{
    return stickyAmong(key, [](qsizetype) { return true; });
}

double RoutePicker::score(quint64 keyHash, qsizetype index) const
{
    const Slot &slot = m_slots[std::size_t(index)];
    // A uniform value in (0, 1) from the top 53 bits; never 0 or 1, so the log is finite and negative.
    const double unit = (double(mix(keyHash ^ slot.key) >> 11) + 0.5) / 9007199254740992.0;
    return double(slot.weight) / -std::log(unit);
}

quint64 RoutePicker::hash(QByteArrayView bytes)
{
    quint64 h = 0xcbf29ce484222325ULL;
    for (const char c : bytes) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ULL;
    }
    return mix(h);
}

} // namespace ServeDeck
