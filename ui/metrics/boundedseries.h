#pragma once

#include <algorithm>

#include <QList>

namespace ServeDeck {

// A ring of at most `capacity` values, oldest first: appending to a full one overwrites the
// oldest, so a live history costs the same memory after an hour as after a week. Storage grows
// with what was appended, not to the capacity at once, so a hundred idle histories stay small.
template<typename T>
class BoundedSeries
{
public:
    explicit BoundedSeries(qsizetype capacity)
        : m_capacity(std::max<qsizetype>(1, capacity))
    {
    }

    qsizetype capacity() const { return m_capacity; }
    qsizetype size() const { return m_items.size(); }
    bool isEmpty() const { return m_items.isEmpty(); }

    void append(const T &value)
    {
        if (m_items.size() < m_capacity) {
            m_items.append(value);
            return;
        }
        m_items[m_head] = value;
        m_head = (m_head + 1) % m_capacity;
    }

    // 0 is the oldest value kept.
    const T &at(qsizetype i) const { return m_items.at((m_head + i) % m_items.size()); }
    const T &last() const { return at(size() - 1); }

    // The first position whose key is not less than `key`, for values appended in key order
    // (sample times): where a time range starts, found in O(log n).
    template<typename Key, typename KeyOf>
    qsizetype lowerBound(const Key &key, KeyOf keyOf) const
    {
        qsizetype low = 0;
        qsizetype high = size();
        while (low < high) {
            const qsizetype mid = low + (high - low) / 2;
            if (keyOf(at(mid)) < key)
                low = mid + 1;
            else
                high = mid;
        }
        return low;
    }

    void clear()
    {
        m_items.clear();
        m_head = 0;
    }

private:
    qsizetype m_capacity;
    qsizetype m_head = 0;  // where the oldest value is, once the ring is full
    QList<T> m_items;
};

} // namespace ServeDeck
