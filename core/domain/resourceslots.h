#pragma once

#include <QJsonObject>

#include "result.h"

namespace ServeDeck {

// What one replica asks for. Memory uses binary units as Backend.AI does ("4G" = 4 GiB).
struct ResourceSlots
{
    double cpu = 0;
    qint64 memoryBytes = 0;
    double gpu = 0;

    static Result<ResourceSlots> fromJson(const QJsonObject &json);
    QJsonObject toJson() const;

    ResourceSlots operator*(int replicas) const;
    ResourceSlots operator+(const ResourceSlots &other) const;
    ResourceSlots operator-(const ResourceSlots &other) const;
    bool fitsIn(const ResourceSlots &available) const;
    bool operator==(const ResourceSlots &) const = default;
};

Result<qint64> parseMemorySize(const QString &text);
QString formatMemorySize(qint64 bytes);

} // namespace ServeDeck
