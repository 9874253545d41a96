#pragma once

#include <initializer_list>
#include <optional>

#include <QJsonArray>
#include <QJsonObject>
#include <QSet>

#include "domain/serviceerror.h"

namespace ServeDeck {

// Reads a JSON request body strictly: every field is typed, names may have spec aliases,
// and finish() reports the first problem or a field nobody asked for (a typo must not pass).
class RequestFields final
{
public:
    using Names = std::initializer_list<const char *>;

    explicit RequestFields(QJsonObject object, QString prefix = {});

    std::optional<QString> string(Names names, bool required = false);
    std::optional<qint64> integer(Names names, qint64 min, qint64 max, bool required = false);
    std::optional<double> number(Names names, bool required = false);
    std::optional<bool> boolean(Names names, bool required = false);
    std::optional<QJsonObject> object(Names names, bool required = false);
    std::optional<QJsonArray> array(Names names, bool required = false);
    std::optional<QStringList> stringList(Names names, bool required = false);
    // Present with the value null (the spec's "expiry": null).
    bool isNull(Names names);
    bool has(Names names);

    void fail(ServiceError error);
    std::optional<ServiceError> finish();

private:
    std::optional<QJsonValue> take(Names names, bool required, const char *expected);
    QString path(const QString &name) const;

    QJsonObject m_object;
    QString m_prefix;
    QSet<QString> m_known;
    std::optional<ServiceError> m_error;
};

} // namespace ServeDeck
