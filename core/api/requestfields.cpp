#include "requestfields.h"

#include <cmath>

#include "domain/result.h"

namespace ServeDeck {

RequestFields::RequestFields(QJsonObject object, QString prefix)
    : m_object(std::move(object))
    , m_prefix(std::move(prefix))
{
}

QString RequestFields::path(const QString &name) const
{
    return m_prefix.isEmpty() ? name : m_prefix + u'.' + name;
}

void RequestFields::fail(ServiceError error)
{
    if (!m_error)
        m_error = std::move(error);
}

std::optional<QJsonValue> RequestFields::take(Names names, bool required, const char *expected)
{
    std::optional<QJsonValue> found;
    QString foundName;
    for (const char *n : names) {
        const QString name = QString::fromLatin1(n);
        m_known.insert(name);
        if (!m_object.contains(name))
            continue;
        if (found) {
            fail(makeError(ErrorType::InvalidArgument,
                           QStringLiteral("%1 and %2 name the same field; give one").arg(path(foundName), path(name)),
                           {{QStringLiteral("field"), path(name)}}));
            return std::nullopt;
        }
        found = m_object.value(name);
        foundName = name;
    }
    const QString primary = QString::fromLatin1(*names.begin());
    if (!found || found->isNull()) {
        if (required)
            fail(makeError(ErrorType::InvalidArgument, path(primary) + QStringLiteral(": is required (") +
                               QLatin1String(expected) + u')',
                           {{QStringLiteral("field"), path(primary)}}));
        return std::nullopt;
    }
    return found;
}

namespace {
ServiceError typeError(const QString &field, const char *expected)
{
    return makeError(ErrorType::InvalidArgument, field + QStringLiteral(": expected ") + QLatin1String(expected),
                     {{QStringLiteral("field"), field}, {QStringLiteral("expected"), QLatin1String(expected)}});
}
} // namespace

std::optional<QString> RequestFields::string(Names names, bool required)
{
    auto v = take(names, required, "a string");
    if (!v)
        return std::nullopt;
    if (!v->isString()) {
        fail(typeError(path(QString::fromLatin1(*names.begin())), "a string"));
        return std::nullopt;
    }
    return v->toString();
}

std::optional<qint64> RequestFields::integer(Names names, qint64 min, qint64 max, bool required)
{
    auto v = take(names, required, "an integer");
    if (!v)
        return std::nullopt;
    const QString field = path(QString::fromLatin1(*names.begin()));
    const double d = v->toDouble();
    if (!v->isDouble() || std::floor(d) != d) {
        fail(typeError(field, "an integer"));
        return std::nullopt;
    }
    if (d < double(min) || d > double(max)) {
        fail(makeError(ErrorType::InvalidArgument, QStringLiteral("%1: %2 is outside %3-%4").arg(field).arg(d).arg(min).arg(max),
                       {{QStringLiteral("field"), field}}));
        return std::nullopt;
    }
    return qint64(d);
}

std::optional<double> RequestFields::number(Names names, bool required)
{
    auto v = take(names, required, "a number");
    if (!v)
        return std::nullopt;
    if (!v->isDouble()) {
        fail(typeError(path(QString::fromLatin1(*names.begin())), "a number"));
        return std::nullopt;
    }
    return v->toDouble();
}

std::optional<bool> RequestFields::boolean(Names names, bool required)
{
    auto v = take(names, required, "true or false");
    if (!v)
        return std::nullopt;
    if (!v->isBool()) {
        fail(typeError(path(QString::fromLatin1(*names.begin())), "true or false"));
        return std::nullopt;
    }
    return v->toBool();
}

std::optional<QJsonObject> RequestFields::object(Names names, bool required)
{
    auto v = take(names, required, "an object");
    if (!v)
        return std::nullopt;
    if (!v->isObject()) {
        fail(typeError(path(QString::fromLatin1(*names.begin())), "an object"));
        return std::nullopt;
    }
    return v->toObject();
}

std::optional<QJsonArray> RequestFields::array(Names names, bool required)
{
    auto v = take(names, required, "an array");
    if (!v)
        return std::nullopt;
    if (!v->isArray()) {
        fail(typeError(path(QString::fromLatin1(*names.begin())), "an array"));
        return std::nullopt;
    }
    return v->toArray();
}

std::optional<QStringList> RequestFields::stringList(Names names, bool required)
{
    auto a = array(names, required);
    if (!a)
        return std::nullopt;
    QStringList out;
    for (const auto &item : *a) {
        if (!item.isString()) {
            fail(typeError(path(QString::fromLatin1(*names.begin())), "an array of strings"));
            return std::nullopt;
        }
        out << item.toString();
    }
    return out;
}

bool RequestFields::isNull(Names names)
{
    for (const char *n : names) {
        const QString name = QString::fromLatin1(n);
        m_known.insert(name);
        if (m_object.contains(name) && m_object.value(name).isNull())
            return true;
    }
    return false;
}

bool RequestFields::has(Names names)
{
    for (const char *n : names) {
        if (m_object.contains(QString::fromLatin1(n)))
            return true;
    }
    return false;
}

std::optional<ServiceError> RequestFields::finish()
{
    if (m_error)
        return m_error;
    for (auto it = m_object.begin(); it != m_object.end(); ++it) {
        if (!m_known.contains(it.key())) {
            QStringList known(m_known.begin(), m_known.end());
            known.sort();
            return makeError(ErrorType::InvalidArgument,
                             QStringLiteral("%1: unknown field (known: %2)").arg(path(it.key()), known.join(QStringLiteral(", "))),
                             {{QStringLiteral("field"), path(it.key())}});
        }
    }
    return std::nullopt;
}

} // namespace ServeDeck
