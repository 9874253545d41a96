#pragma once

#include <array>
#include <optional>
#include <utility>

#include <QString>

namespace ServeDeck {

// One table per enum gives both directions of the wire name, so the two never drift apart.
template<typename E, std::size_t N>
struct EnumNames
{
    std::array<std::pair<E, const char *>, N> entries;

    QString name(E value) const
    {
        for (const auto &[e, n] : entries) {
            if (e == value)
                return QString::fromLatin1(n);
        }
        return {};
    }

    std::optional<E> parse(const QString &text) const
    {
        for (const auto &[e, n] : entries) {
            if (text == QLatin1String(n))
                return e;
        }
        return std::nullopt;
    }

    QStringList names() const
    {
        QStringList out;
        for (const auto &entry : entries)
            out << QString::fromLatin1(entry.second);
        return out;
    }
};

} // namespace ServeDeck
