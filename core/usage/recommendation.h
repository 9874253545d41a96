#pragma once

#include <optional>

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QUuid>

namespace ServeDeck {

// One scaling recommendation: what to change, and the recorded data that says why.
struct Recommendation
{
    // The change it stands for, in the terms of the service's own setters. Nothing set: a
    // warning, which has nothing to apply.
    struct Change
    {
        std::optional<QString> schedule;        // the endpoint's whole new schedule (ReplicaSchedule text)
        std::optional<int> idleTimeoutSeconds;  // scale to zero after this many idle seconds
        QUuid ruleId;                           // the rule modified, with:
        std::optional<double> targetPerReplica;

        bool isEmpty() const { return !schedule && !idleTimeoutSeconds && !targetPerReplica; }
    };

    static inline const QString kScheduleFloor = QStringLiteral("schedule_floor");
    static inline const QString kIdleTimeout = QStringLiteral("idle_timeout");
    static inline const QString kTargetPerReplica = QStringLiteral("target_per_replica");
    static inline const QString kFlappingRule = QStringLiteral("flapping_rule");
    static const QStringList &kinds();  // in the order recommendations are numbered

    int number = 0;  // 1-based, in kinds() order
    QString kind;
    QString title;        // one line
    QString explanation;  // the data behind it, in words
    QJsonObject evidence; // the numbers: days seen, hours, sample counts, ...
    Change change;
    QList<QDateTime> times;  // when it happened (a flapping rule's reversals), oldest first

    bool isWarning() const { return change.isEmpty(); }
};

} // namespace ServeDeck
