#include "notifier.h"

#include <cmath>

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMetaMethod>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QProcess>
#include <QRegularExpression>
#include <QTimer>

#include "domain/clock.h"
#include "notify/alertcondition.h"
#include "notify/notificationpayload.h"
#include "notify/notifylog.h"
#include "store/repository.h"

namespace ServeDeck {

// What a quiet period holds back for one channel and event key: the first occurrence was
// delivered; those after it are counted here until the period ends.
struct Notifier::Group
{
    QString channelId;
    int quietPeriodSeconds = 0;
    QDateTime quietUntil;
    int held = 0;
    NotificationEvent event;  // the first held occurrence (time) and the latest (lastTime, errorId)
};

struct Notifier::Stored
{
    NotificationChannel channel;
    QByteArray secret;
};

namespace {

constexpr int kMaxNameLength = 64;
constexpr int kMaxUrlLength = 2048;
constexpr int kMaxSecretBytes = 1024;
constexpr int kMaxArgs = 64;
constexpr int kMaxArgLength = 4096;
constexpr int kMaxListLimit = 1000;
constexpr int kMaxRuleSeconds = 86400;

ServiceError invalid(const QString &field, const QString &message)
{
    return makeError(ErrorType::InvalidArgument, message, {{QStringLiteral("field"), field}});
}

QString idText(const QUuid &id)
{
    return id.isNull() ? QString() : id.toString(QUuid::WithoutBraces);
}

QJsonObject configOf(const NotificationChannel &c)
{
    return {
        {QStringLiteral("url"), c.url.toString(QUrl::FullyEncoded)},
        {QStringLiteral("argv"), QJsonArray::fromStringList(c.argv)},
        {QStringLiteral("event_kinds"), QJsonArray::fromStringList(c.eventKinds)},
        {QStringLiteral("min_severity"), severityName(c.minSeverity)},
        {QStringLiteral("endpoint_id"), idText(c.endpointId)},
        {QStringLiteral("quiet_period_seconds"), c.quietPeriodSeconds},
        {QStringLiteral("enabled"), c.enabled},
    };
}

QStringList strings(const QJsonValue &v)
{
    QStringList out;
    for (const QJsonValue &item : v.toArray())
        out << item.toString();
    return out;
}

NotificationChannel channelOf(const NotificationChannelRecord &r)
{
    const QJsonObject config = QJsonDocument::fromJson(r.config.toUtf8()).object();
    NotificationChannel c;
    c.id = r.id;
    c.name = r.name;
    c.kind = channelKindFromName(r.kind).value_or(ChannelKind::Webhook);
    c.url = QUrl(config.value(QStringLiteral("url")).toString(), QUrl::StrictMode);
    c.hasSecret = !r.secret.isEmpty();
    c.argv = strings(config.value(QStringLiteral("argv")));
    c.eventKinds = strings(config.value(QStringLiteral("event_kinds")));
    c.minSeverity = severityFromName(config.value(QStringLiteral("min_severity")).toString()).value_or(NotificationSeverity::Info);
    c.endpointId = QUuid::fromString(config.value(QStringLiteral("endpoint_id")).toString());
    c.quietPeriodSeconds = config.value(QStringLiteral("quiet_period_seconds")).toInt(300);
    c.enabled = config.value(QStringLiteral("enabled")).toBool(true);
    c.createdAt = r.createdAt;
    return c;
}

AlertRule ruleOf(const AlertRuleRecord &r)
{
    AlertRule rule;
    rule.id = r.id;
    rule.endpointId = r.endpointId;
    rule.metric = r.metric;
    rule.comparator = r.comparator;
    rule.threshold = r.threshold;
    rule.forSeconds = r.forSeconds;
    rule.severity = severityFromName(r.severity).value_or(NotificationSeverity::Warning);
    rule.createdAt = r.createdAt;
    return rule;
}

NotificationDelivery deliveryOf(const NotificationDeliveryRecord &r)
{
    return {r.id, r.channelId, r.channelName, r.eventKind, r.endpointId, r.time, r.attempt, r.ok, r.outcome, r.title,
            r.count};
}

bool matches(const NotificationChannel &c, const NotificationEvent &e)
{
    if (!c.enabled || int(e.severity) < int(c.minSeverity))
        return false;
    if (!c.eventKinds.isEmpty() && !c.eventKinds.contains(e.kind))
        return false;
    return c.endpointId.isNull() || c.endpointId == e.endpointId;
}

QString ruleText(const AlertRule &r)
{
    return AlertCondition::text(r);
}

std::optional<ServiceError> channelProblem(const NotificationChannel &c, const QByteArray &secret)
{
    static const QRegularExpression namePattern(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]*$"));
    if (c.name.size() > kMaxNameLength || !namePattern.match(c.name).hasMatch())
        return invalid(QStringLiteral("name"), QStringLiteral("a channel name is 1-%1 letters, digits, '.', '_' or '-',"
                                                              " starting with a letter or digit").arg(kMaxNameLength));
    if (c.quietPeriodSeconds < 0 || c.quietPeriodSeconds > Notifier::kMaxQuietPeriodSeconds)
        return invalid(QStringLiteral("quiet_period_seconds"),
                       QStringLiteral("the quiet period is between 0 and %1 seconds (7 days)").arg(Notifier::kMaxQuietPeriodSeconds));
    const QStringList kinds = notificationEventKinds();
    for (const QString &kind : c.eventKinds) {
        if (!kinds.contains(kind))
            return makeError(ErrorType::InvalidArgument, QStringLiteral("unknown event kind; known: %1").arg(kinds.join(u", ")),
                             {{QStringLiteral("field"), QStringLiteral("event_kinds")}, {QStringLiteral("value"), kind.left(64)}});
    }
    if (!secret.isEmpty() && c.kind != ChannelKind::Webhook)
        return invalid(QStringLiteral("secret"), QStringLiteral("only a webhook signs with a secret"));
    if (secret.size() > kMaxSecretBytes)
        return invalid(QStringLiteral("secret"), QStringLiteral("a secret is at most %1 bytes").arg(kMaxSecretBytes));
    switch (c.kind) {
    case ChannelKind::Webhook: {
        const QString scheme = c.url.scheme();
        if (!c.url.isValid() || (scheme != u"http" && scheme != u"https") || c.url.host().isEmpty()
            || c.url.toString(QUrl::FullyEncoded).size() > kMaxUrlLength || !c.url.userInfo().isEmpty())
            return invalid(QStringLiteral("url"), QStringLiteral("a webhook URL is http:// or https:// with a host"
                                                                 " (no user info), at most %1 characters").arg(kMaxUrlLength));
        if (!c.argv.isEmpty())
            return invalid(QStringLiteral("argv"), QStringLiteral("a webhook runs no command"));
        break;
    }
    case ChannelKind::Command: {
        if (c.argv.isEmpty() || c.argv.size() > kMaxArgs)
            return invalid(QStringLiteral("argv"), QStringLiteral("a command is its program and up to %1 arguments").arg(kMaxArgs - 1));
        for (const QString &arg : c.argv) {
            if (arg.size() > kMaxArgLength || arg.contains(QChar(0)))
                return invalid(QStringLiteral("argv"), QStringLiteral("an argument is at most %1 characters, without NUL").arg(kMaxArgLength));
        }
        const QFileInfo program(c.argv.first());
        if (!program.isAbsolute() || !program.isFile() || !program.isExecutable())
            return invalid(QStringLiteral("argv"), QStringLiteral("the program must be an absolute path to an executable file"));
        if (!c.url.isEmpty())
            return invalid(QStringLiteral("url"), QStringLiteral("a command channel has no URL"));
        break;
    }
    case ChannelKind::Desktop:
        if (!c.url.isEmpty() || !c.argv.isEmpty())
            return invalid(QStringLiteral("kind"), QStringLiteral("a desktop channel has neither URL nor command"));
        break;
    }
    return std::nullopt;
}

} // namespace

Notifier::Notifier(Repository &repository, Clock &clock, QObject *parent)
    : QObject(parent), m_repository(repository), m_clock(clock), m_network(new QNetworkAccessManager(this)),
      m_flushTimer(new QTimer(this))
{
    // Held-back groups are looked at each second: a summary is due when its quiet period ends,
    // and a second late is nothing next to periods of minutes.
    m_flushTimer->setInterval(1000);
    connect(m_flushTimer, &QTimer::timeout, this, &Notifier::flushGroups);
    m_network->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
}

Notifier::~Notifier() = default;

void Notifier::setActive(bool active)
{
    m_active = active;
    if (!active) {
        m_groups.clear();
        m_flushTimer->stop();
    }
}

void Notifier::setFlushIntervalMs(int ms)
{
    m_flushTimer->setInterval(ms);
}

Result<QList<Notifier::Stored>> Notifier::storedChannels()
{
    auto rows = m_repository.notificationChannels();
    if (!rows)
        return rows.error();
    QList<Stored> out;
    for (const NotificationChannelRecord &r : std::as_const(*rows))
        out.append({channelOf(r), r.secret});
    return out;
}

Result<Notifier::Stored> Notifier::findChannel(const QString &idOrName)
{
    auto all = storedChannels();
    if (!all)
        return all.error();
    for (const Stored &s : std::as_const(*all)) {
        if (s.channel.id == idOrName || s.channel.name == idOrName)
            return s;
    }
    return makeError(ErrorType::NotFound, QStringLiteral("no notification channel has that id or name"),
                     {{QStringLiteral("channel"), idOrName.left(kMaxNameLength)}});
}

Result<QList<NotificationChannel>> Notifier::channels()
{
    auto all = storedChannels();
    if (!all)
        return all.error();
    QList<NotificationChannel> out;
    for (const Stored &s : std::as_const(*all))
        out.append(s.channel);
    return out;
}

Result<NotificationChannel> Notifier::addChannel(const NotificationChannel &requested, const QByteArray &secret)
{
    NotificationChannel c = requested;
    c.eventKinds.removeDuplicates();
    if (auto problem = channelProblem(c, secret))
        return *problem;
    return m_repository.transaction<NotificationChannel>([&]() -> Result<NotificationChannel> {
        if (!c.endpointId.isNull()) {
            auto endpoint = m_repository.endpointById(c.endpointId);
            if (!endpoint)
                return endpoint.error();
            if (!endpoint->has_value())
                return makeError(ErrorType::NotFound, QStringLiteral("endpoint not found"),
                                 {{QStringLiteral("endpoint_id"), idText(c.endpointId)}});
        }
        auto existing = storedChannels();
        if (!existing)
            return existing.error();
        if (existing->size() >= kMaxChannels)
            return makeError(ErrorType::ResourceLimitExceeded,
                             QStringLiteral("at most %1 notification channels; remove one first").arg(kMaxChannels));
        for (const Stored &s : std::as_const(*existing)) {
            if (s.channel.name == c.name)
                return makeError(ErrorType::ModelAlreadyExists,
                                 QStringLiteral("notification channel '%1' already exists").arg(c.name),
                                 {{QStringLiteral("name"), c.name}});
        }
        c.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        c.createdAt = m_clock.now().toUTC();
        c.hasSecret = !secret.isEmpty();
        NotificationChannelRecord r{c.id, c.name, channelKindName(c.kind),
                                    QString::fromUtf8(QJsonDocument(configOf(c)).toJson(QJsonDocument::Compact)), secret,
                                    c.createdAt};
        if (auto inserted = m_repository.insertNotificationChannel(r); !inserted)
            return inserted.error();
        return c;
    });
}

Result<Done> Notifier::removeChannel(const QString &idOrName)
{
    auto found = findChannel(idOrName);
    if (!found)
        return found.error();
    const QString id = found->channel.id;
    auto removed = m_repository.transaction<Done>([&] { return m_repository.deleteNotificationChannel(id); });
    if (!removed)
        return removed;
    for (auto it = m_groups.begin(); it != m_groups.end();) {
        if (it->channelId == id)
            it = m_groups.erase(it);
        else
            ++it;
    }
    return Done{};
}

Result<NotificationEvent> Notifier::sendTest(const QString &idOrName)
{
    auto found = findChannel(idOrName);
    if (!found)
        return found.error();
    NotificationEvent e;
    e.kind = QStringLiteral("Test");
    e.severity = NotificationSeverity::Info;
    e.time = e.lastTime = m_clock.now().toUTC();
    e.subject = found->channel.name;
    e.title = QStringLiteral("ServeDeck test notification to %1").arg(found->channel.name);
    e.text = QStringLiteral("A sample sent on request, to check that channel '%1' reaches you.").arg(found->channel.name);
    // Straight to the one channel, past its filters and quiet period: the operator asked for it.
    deliver(*found, e);
    return e;
}

Result<QList<NotificationDelivery>> Notifier::deliveries(int limit, const QString &channelIdOrName)
{
    if (limit < 1 || limit > kMaxListLimit)
        return invalid(QStringLiteral("limit"), QStringLiteral("limit is between 1 and %1").arg(kMaxListLimit));
    QString channelId;
    if (!channelIdOrName.isEmpty()) {
        auto found = findChannel(channelIdOrName);
        if (!found)
            return found.error();
        channelId = found->channel.id;
    }
    auto rows = m_repository.notificationDeliveries(limit, channelId);
    if (!rows)
        return rows.error();
    QList<NotificationDelivery> out;
    for (const NotificationDeliveryRecord &r : std::as_const(*rows))
        out.append(deliveryOf(r));
    return out;
}

Result<QList<AlertRule>> Notifier::alertRules(const QUuid &endpointId)
{
    if (auto it = m_rules.constFind(endpointId); it != m_rules.cend())
        return *it;
    auto rows = m_repository.alertRules(endpointId);
    if (!rows)
        return rows.error();
    QList<AlertRule> out;
    for (const AlertRuleRecord &r : std::as_const(*rows))
        out.append(ruleOf(r));
    m_rules.insert(endpointId, out);
    return out;
}

Result<AlertRule> Notifier::addAlertRule(const AlertRule &requested)
{
    static const QStringList metrics{QStringLiteral("error_rate"), QStringLiteral("p95_ms"), QStringLiteral("p99_ms"),
                                     QStringLiteral("requests_per_second"), QStringLiteral("ttft_p95_ms")};
    AlertRule rule = requested;
    if (rule.endpointId.isNull())
        return invalid(QStringLiteral("endpoint_id"), QStringLiteral("an alert rule belongs to an endpoint"));
    if (!metrics.contains(rule.metric))
        return makeError(ErrorType::InvalidArgument, QStringLiteral("unknown metric; known: %1").arg(metrics.join(u", ")),
                         {{QStringLiteral("field"), QStringLiteral("metric")}});
    if (rule.comparator != u">" && rule.comparator != u"<")
        return invalid(QStringLiteral("comparator"), QStringLiteral("the comparator is '>' or '<'"));
    if (!std::isfinite(rule.threshold) || rule.threshold < 0
        || (rule.metric == u"error_rate" && rule.threshold > 1))
        return invalid(QStringLiteral("threshold"), rule.metric == u"error_rate"
                                                        ? QStringLiteral("an error rate threshold is between 0 and 1")
                                                        : QStringLiteral("the threshold is a number of at least 0"));
    if (rule.forSeconds < 0 || rule.forSeconds > kMaxRuleSeconds)
        return invalid(QStringLiteral("for_seconds"), QStringLiteral("for is between 0 and %1 seconds").arg(kMaxRuleSeconds));
    auto added = m_repository.transaction<AlertRule>([&]() -> Result<AlertRule> {
        auto endpoint = m_repository.endpointById(rule.endpointId);
        if (!endpoint)
            return endpoint.error();
        if (!endpoint->has_value())
            return makeError(ErrorType::NotFound, QStringLiteral("endpoint not found"),
                             {{QStringLiteral("endpoint_id"), idText(rule.endpointId)}});
        auto others = m_repository.alertRules(rule.endpointId);
        if (!others)
            return others.error();
        for (const AlertRuleRecord &row : std::as_const(*others)) {
            const AlertRule other = ruleOf(row);
            if (other.metric != rule.metric)
                continue;
            const QJsonObject details{{QStringLiteral("existing_rule_id"), other.id},
                                      {QStringLiteral("existing_condition"), ruleText(other)}};
            // One direction per metric: a second threshold the same way is a duplicate alert (so an
            // endpoint has at most two rules per metric, ten in all).
            if (other.comparator == rule.comparator)
                return makeError(ErrorType::ConflictingRules,
                                 QStringLiteral("rule %1 (\"%2\") already alerts on %3 %4")
                                     .arg(other.id, ruleText(other), rule.metric, rule.comparator),
                                 details);
            // Opposite directions are a band only when no value satisfies both: "> 300" with
            // "< 200" is, "> 200" with "< 300" would fire on every value.
            const double above = rule.comparator == u">" ? rule.threshold : other.threshold;
            const double below = rule.comparator == u"<" ? rule.threshold : other.threshold;
            if (above < below)
                return makeError(ErrorType::ConflictingRules,
                                 QStringLiteral("rule %1 (\"%2\") contradicts this one: a value between %3 and %4 fires both")
                                     .arg(other.id, ruleText(other))
                                     .arg(above)
                                     .arg(below),
                                 details);
        }
        rule.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        rule.createdAt = m_clock.now().toUTC();
        AlertRuleRecord r{rule.id, rule.endpointId, rule.metric, rule.comparator, rule.threshold, rule.forSeconds,
                          severityName(rule.severity), rule.createdAt};
        if (auto inserted = m_repository.insertAlertRule(r); !inserted)
            return inserted.error();
        return rule;
    });
    m_rules.clear();
    return added;
}

Result<Done> Notifier::removeAlertRule(const QUuid &endpointId, const QString &ruleId)
{
    auto removed = m_repository.transaction<Done>([&] { return m_repository.deleteAlertRule(endpointId, ruleId); });
    m_rules.clear();
    return removed;
}

void Notifier::raise(NotificationEvent event)
{
    if (!m_active)
        return;
    const QDateTime now = m_clock.now().toUTC();
    if (!event.time.isValid())
        event.time = now;
    if (!event.lastTime.isValid())
        event.lastTime = event.time;
    event.count = std::max(event.count, 1);
    auto all = storedChannels();
    if (!all) {
        qCWarning(lcNotify, "cannot read notification channels: %s", qPrintable(all.error().message));
        return;
    }
    const QString eventKey = event.kind + u'|' + idText(event.endpointId) + u'|' + event.subject;
    for (const Stored &s : std::as_const(*all)) {
        if (!matches(s.channel, event))
            continue;
        const QString key = s.channel.id + u'|' + eventKey;
        auto it = m_groups.find(key);
        if (it != m_groups.end() && now < it->quietUntil) {
            // Within the quiet period: counted, delivered as one summary when it ends.
            if (it->held == 0)
                it->event = event;
            else
                it->event.errorId = event.errorId;
            it->held += event.count;
            it->event.count = it->held;
            it->event.lastTime = event.lastTime;
            continue;
        }
        deliver(s, event);
        if (s.channel.quietPeriodSeconds > 0) {
            Group g;
            g.channelId = s.channel.id;
            g.quietPeriodSeconds = s.channel.quietPeriodSeconds;
            g.quietUntil = now.addSecs(s.channel.quietPeriodSeconds);
            m_groups.insert(key, g);
            if (!m_flushTimer->isActive())
                m_flushTimer->start();
        }
    }
}

void Notifier::flushGroups()
{
    const QDateTime now = m_clock.now().toUTC();
    QList<QString> due;
    for (auto it = m_groups.cbegin(); it != m_groups.cend(); ++it) {
        if (now >= it->quietUntil)
            due.append(it.key());
    }
    for (const QString &key : std::as_const(due)) {
        Group g = m_groups.take(key);
        if (g.held == 0)
            continue;  // nothing came during the period: the next event is delivered at once
        auto found = findChannel(g.channelId);
        if (!found)
            continue;  // removed meanwhile
        // Its count and first time make the one-liner "(x19 since 10:05 UTC)".
        NotificationEvent summary = g.event;
        summary.count = g.held;
        deliver(*found, summary);
        // A loop that goes on gives at most one summary per quiet period.
        g.held = 0;
        g.quietUntil = now.addSecs(g.quietPeriodSeconds);
        m_groups.insert(key, g);
    }
    if (m_groups.isEmpty())
        m_flushTimer->stop();
}

void Notifier::deliver(const Stored &s, const NotificationEvent &event)
{
    switch (s.channel.kind) {
    case ChannelKind::Desktop: {
        // A headless plane (serve) has no console listening: recorded as not shown, not as a success.
        const bool heard = isSignalConnected(QMetaMethod::fromSignal(&Notifier::desktopNotification));
        Q_EMIT desktopNotification(event);
        record(s.channel, event, 1, heard, heard ? QStringLiteral("shown") : QStringLiteral("no console to show it"));
        return;
    }
    case ChannelKind::Webhook:
        postWebhook(s.channel.id, event, 1);
        return;
    case ChannelKind::Command:
        runCommand(s, event);
        return;
    }
}

void Notifier::postWebhook(const QString &channelId, const NotificationEvent &event, int attempt)
{
    // Looked up at each attempt: a channel removed during the backoff gets no more.
    auto found = findChannel(channelId);
    if (!found)
        return;
    const Stored s = *found;
    const QByteArray body = NotificationPayload::body(event);
    const qint64 timestamp = m_clock.now().toSecsSinceEpoch();
    QNetworkRequest request(s.channel.url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("X-ServeDeck-Event", event.kind.toUtf8());
    request.setRawHeader("X-ServeDeck-Timestamp", QByteArray::number(timestamp));
    if (!s.secret.isEmpty())
        request.setRawHeader("X-ServeDeck-Signature", NotificationPayload::signature(s.secret, timestamp, body));
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    QNetworkReply *reply = m_network->post(request, body);
    ++m_pending;

    auto timedOut = std::make_shared<bool>(false);
    auto *timer = new QTimer(reply);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, reply, [reply, timedOut] {
        *timedOut = true;
        reply->abort();
    });
    timer->start(m_webhookTimeoutMs);
    // Only the status matters: the body is dropped as it comes, and past kMaxAnswerBytes the
    // transfer ends (the status, already read, still decides).
    auto read = std::make_shared<qint64>(0);
    connect(reply, &QNetworkReply::readyRead, reply, [reply, read] {
        while (reply->bytesAvailable() > 0) {
            char scratch[1024];
            const qint64 n = reply->read(scratch, sizeof scratch);
            if (n <= 0)
                break;
            *read += n;
        }
        if (*read > kMaxAnswerBytes)
            reply->abort();
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply, s, event, attempt, timedOut] {
        reply->deleteLater();
        --m_pending;
        const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
        const int code = status.isValid() ? status.toInt() : 0;
        const bool ok = !*timedOut && code >= 200 && code < 300;
        QString outcome;
        if (*timedOut)
            outcome = QStringLiteral("timeout");
        else if (code > 0)
            outcome = QString::number(code);
        else
            outcome = reply->errorString().left(200);
        record(s.channel, event, attempt, ok, outcome);
        // Worth another try: no answer, or the receiver's own trouble (5xx, 429); a refusal
        // (other 4xx) or a redirect would only say the same again.
        const bool retry = !ok && attempt < kMaxAttempts && (code == 0 || code >= 500 || code == 429);
        if (retry) {
            const int delay = m_retryBaseMs * (1 << (attempt - 1));
            ++m_pending;  // the retry waiting for its turn
            QTimer::singleShot(delay, this, [this, id = s.channel.id, event, attempt] {
                --m_pending;
                postWebhook(id, event, attempt + 1);
            });
        }
    });
}

void Notifier::runCommand(const Stored &s, const NotificationEvent &event)
{
    auto *process = new QProcess(this);
    // A clean environment: what a program needs to run, and the event; never the plane's
    // tokens or keys.
    const QProcessEnvironment system = QProcessEnvironment::systemEnvironment();
    QProcessEnvironment env;
    for (const char *name : {"PATH", "HOME", "LANG"}) {
        const QString key = QString::fromLatin1(name);
        if (system.contains(key))
            env.insert(key, system.value(key));
    }
    env.insert(QStringLiteral("SERVEDECK_EVENT_KIND"), event.kind);
    env.insert(QStringLiteral("SERVEDECK_EVENT_SEVERITY"), severityName(event.severity));
    env.insert(QStringLiteral("SERVEDECK_EVENT_ENDPOINT"), event.endpointName);
    env.insert(QStringLiteral("SERVEDECK_EVENT_ENDPOINT_ID"), idText(event.endpointId));
    env.insert(QStringLiteral("SERVEDECK_EVENT_SUBJECT"), event.subject);
    env.insert(QStringLiteral("SERVEDECK_EVENT_COUNT"), QString::number(event.count));
    env.insert(QStringLiteral("SERVEDECK_EVENT_TIME"), event.time.toUTC().toString(Qt::ISODateWithMs));
    env.insert(QStringLiteral("SERVEDECK_EVENT_TITLE"), event.title);
    env.insert(QStringLiteral("SERVEDECK_EVENT_ERROR_ID"), QString::number(event.errorId));
    process->setProcessEnvironment(env);
    process->setWorkingDirectory(QDir::rootPath());
    // Its output is not kept: dropped as it comes, so a chatty program never fills a buffer.
    process->setStandardOutputFile(QProcess::nullDevice());
    process->setStandardErrorFile(QProcess::nullDevice());
    process->setProgram(s.channel.argv.first());
    process->setArguments(s.channel.argv.mid(1));

    auto killed = std::make_shared<bool>(false);
    auto *timer = new QTimer(process);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, process, [process, killed] {
        *killed = true;
        process->kill();
    });
    const NotificationChannel channel = s.channel;
    auto done = std::make_shared<bool>(false);
    connect(process, &QProcess::finished, this, [this, process, channel, event, killed, done](int code, QProcess::ExitStatus status) {
        if (std::exchange(*done, true))
            return;
        process->deleteLater();
        --m_pending;
        QString outcome;
        if (*killed)
            outcome = QStringLiteral("killed after %1 s").arg(m_commandTimeoutMs / 1000.0);
        else if (status == QProcess::CrashExit)
            outcome = QStringLiteral("crashed");
        else
            outcome = QStringLiteral("exit %1").arg(code);
        record(channel, event, 1, !*killed && status == QProcess::NormalExit && code == 0, outcome);
    });
    connect(process, &QProcess::errorOccurred, this, [this, process, channel, event, done](QProcess::ProcessError error) {
        if (error != QProcess::FailedToStart || std::exchange(*done, true))
            return;
        process->deleteLater();
        --m_pending;
        record(channel, event, 1, false, QStringLiteral("failed to start: %1").arg(process->errorString().left(200)));
    });
    ++m_pending;
    process->start(QIODevice::ReadWrite);
    timer->start(m_commandTimeoutMs);
    process->write(NotificationPayload::body(event));
    process->closeWriteChannel();
}

void Notifier::record(const NotificationChannel &channel, const NotificationEvent &event, int attempt, bool ok,
                      const QString &outcome)
{
    NotificationDeliveryRecord r;
    r.channelId = channel.id;
    r.channelName = channel.name;
    r.eventKind = event.kind;
    r.endpointId = event.endpointId;
    r.time = m_clock.now().toUTC();
    r.attempt = attempt;
    r.ok = ok;
    r.outcome = outcome;
    r.title = event.title;
    r.count = event.count;
    auto id = m_repository.transaction<qint64>([&] { return m_repository.insertNotificationDelivery(r); });
    if (!id)
        qCWarning(lcNotify, "delivery to %s not recorded: %s", qPrintable(channel.name), qPrintable(id.error().message));
    else
        r.id = *id;
    if (ok)
        qCDebug(lcNotify, "%s to %s: %s", qPrintable(event.kind), qPrintable(channel.name), qPrintable(outcome));
    else
        qCWarning(lcNotify, "%s to %s, attempt %d: %s", qPrintable(event.kind), qPrintable(channel.name), attempt,
                  qPrintable(outcome));
    Q_EMIT delivered(deliveryOf(r));
}

} // namespace ServeDeck
