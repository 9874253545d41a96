// servedeck ctl simulate: drives one endpoint with a traffic pattern from this process until
// Ctrl-C (SIGINT/SIGTERM) or --duration, a line per tick. A private endpoint gets a short-lived
// inference token minted for the run (renewed while it lasts) and revoked at the end.
#include <cmath>
#include <optional>

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTextStream>
#include <QTimer>
#include <QUrl>

#include "api/apiclient.h"
#include "signalquitter.h"
#include "traffic/trafficsimulator.h"

using ServeDeck::ApiClient;
using ServeDeck::ApiResponse;
using ServeDeck::Done;
using ServeDeck::Result;
using ServeDeck::SimulationSettings;
using ServeDeck::SimulationTick;
using ServeDeck::TrafficPattern;
using ServeDeck::TrafficSimulator;

namespace {

constexpr int kOk = 0;
constexpr int kApiError = 1;
constexpr int kUsage = 2;
constexpr int kNoAnswer = 3;
// An unbounded run's token lives an hour and is renewed every 45 minutes.
constexpr qint64 kTokenLifeS = 3600;
constexpr int kTokenRenewMs = 45 * 60 * 1000;

// "250ms", "2s", "10m", "1h" or a plain number of seconds; nullopt for anything else.
std::optional<qint64> durationMs(const QString &text)
{
    static const QRegularExpression form(QStringLiteral("^([0-9]+(?:\\.[0-9]+)?)(ms|s|m|h)?$"));
    const QRegularExpressionMatch m = form.match(text.trimmed());
    if (!m.hasMatch())
        return std::nullopt;
    const QString unit = m.captured(2);
    const double scale = unit == u"ms" ? 1 : unit == u"m" ? 60000 : unit == u"h" ? 3600000 : 1000;
    const double ms = m.captured(1).toDouble() * scale;
    if (!std::isfinite(ms) || ms > 1e13)
        return std::nullopt;
    return qint64(std::llround(ms));
}

QString svcPath(const QString &svc)
{
    return QStringLiteral("/v1/services/") + QString::fromUtf8(QUrl::toPercentEncoding(svc));
}

QString line(const SimulationTick &t)
{
    QString text = QStringLiteral("%1s  rate %2/s  sent %3  ok %4  failed %5")
                       .arg(double(t.elapsedMs) / 1000.0, 7, 'f', 1)
                       .arg(t.rate, 7, 'f', 1)
                       .arg(t.sent, 6)
                       .arg(t.ok, 6)
                       .arg(t.failed, 5);
    if (t.skipped > 0)
        text += QStringLiteral("  skipped %1").arg(t.skipped);
    return text;
}

// A short-lived inference token for the endpoint: {token, token_id}, or the API's answer.
ApiResponse mintToken(ApiClient &client, const QString &svc, qint64 lifeS)
{
    return client.send("POST", svcPath(svc) + QStringLiteral("/tokens"),
                       QJsonObject{{QStringLiteral("scope"), QStringLiteral("inference")},
                                   {QStringLiteral("expiry"), lifeS}});
}

int apiFailure(QTextStream &err, const ApiResponse &r)
{
    if (r.status == 0) {
        err << "servedeck ctl simulate: no answer from the API: " << r.transportError << '\n';
        return kNoAnswer;
    }
    const auto e = r.error();
    err << "error: " << (e ? e->typeName() + QStringLiteral(": ") + e->message : QString::number(r.status)) << '\n';
    return kApiError;
}

int usage(QTextStream &err, const QString &why)
{
    err << "servedeck ctl simulate: " << why << '\n';
    return kUsage;
}

} // namespace

int runCtlSimulate(ApiClient &client, const QStringList &positional, const QMultiHash<QString, QString> &options,
                   const QSet<QString> &flags, QTextStream &out, QTextStream &err)
{
    if (positional.size() < 2)
        return usage(err, QStringLiteral("missing SVC (servedeck ctl help)"));
    const QString svc = positional.at(1);
    const auto option = [&options](const char *key) { return options.value(QLatin1String(key)); };
    const auto optionOr = [&options](const char *key, const char *fallback) {
        return options.value(QLatin1String(key), QLatin1String(fallback));
    };

    // The pattern: --pattern with --min-rate/--max-rate/--period, or --rate R for a constant R.
    const QString patternName = optionOr("pattern", "constant");
    const std::optional<TrafficPattern::Kind> kind = TrafficPattern::kindFromName(patternName);
    if (!kind)
        return usage(err, QStringLiteral("--pattern: expected constant, linear, seasonal, random_walk, "
                                         "exponential or cyclical"));
    bool okMin = true;
    bool okMax = true;
    const QString rate = option("rate");
    double maxRate = (rate.isEmpty() ? option("max-rate") : rate).toDouble(&okMax);
    const double defaultMin = *kind == TrafficPattern::Kind::Constant ? maxRate : 0;
    double minRate = options.contains(QStringLiteral("min-rate")) ? option("min-rate").toDouble(&okMin) : defaultMin;
    if (!okMax || !okMin)
        return usage(err, QStringLiteral("--min-rate/--max-rate: expected requests per second "
                                         "(--max-rate is required)"));
    const std::optional<qint64> period = durationMs(optionOr("period", "60s"));
    const std::optional<qint64> interval = durationMs(optionOr("interval", "1s"));
    const std::optional<qint64> duration = durationMs(optionOr("duration", "0"));
    if (!period || !interval || !duration)
        return usage(err, QStringLiteral("--period/--interval/--duration: expected a time such as 500ms, 2s, "
                                         "10m or 1h"));
    quint64 seed = QRandomGenerator::global()->bounded(quint64(1) << 31);
    if (options.contains(QStringLiteral("seed"))) {
        bool ok = false;
        seed = option("seed").toULongLong(&ok);
        if (!ok)
            return usage(err, QStringLiteral("--seed: expected a whole number"));
    }
    const Result<TrafficPattern> pattern = TrafficPattern::make(*kind, minRate, maxRate, *period, seed);
    if (!pattern) {
        err << "error: " << pattern.error().typeName() << ": " << pattern.error().message << '\n';
        return kApiError;
    }
    int batchMin = 1;
    int batchMax = 1;
    if (options.contains(QStringLiteral("batch"))) {
        const QStringList parts = option("batch").split(u':');
        bool okA = false;
        bool okB = false;
        batchMin = parts.value(0).toInt(&okA);
        batchMax = parts.size() == 2 ? parts.at(1).toInt(&okB) : batchMin;
        if (!okA || (parts.size() == 2 && !okB) || parts.size() > 2)
            return usage(err, QStringLiteral("--batch: expected N or MIN:MAX"));
    }

    // The endpoint: where it listens, whether it is public, and how its model is called.
    const ApiResponse info = client.get(svcPath(svc));
    if (!info.ok())
        return apiFailure(err, info);
    const QJsonObject endpoint = info.body.object();
    const QJsonObject request = endpoint.value(QStringLiteral("request")).toObject();
    SimulationSettings settings;
    settings.endpoint = endpoint.value(QStringLiteral("name")).toString();
    settings.endpointUrl = QUrl(endpoint.value(QStringLiteral("url")).toString());
    const QString path = options.contains(QStringLiteral("path")) ? option("path")
                         : request.contains(QStringLiteral("path")) ? request.value(QStringLiteral("path")).toString()
                                                                    : QStringLiteral("/predict");
    QUrl url = settings.endpointUrl;
    url.setPath(url.path() + path);
    settings.url = url;
    settings.pattern = *pattern;
    settings.intervalMs = *interval;
    settings.randomizeInterval = flags.contains(QStringLiteral("random-interval"));
    settings.batchMin = batchMin;
    settings.batchMax = batchMax;
    settings.durationMs = *duration;
    settings.seed = seed;
    const Result<SimulationSettings> hints = SimulationSettings::fromJson(
        QJsonObject{{QStringLiteral("url"), url.toString()},
                    {QStringLiteral("endpoint_url"), settings.endpointUrl.toString()},
                    {QStringLiteral("pattern"), pattern->toJson()},
                    {QStringLiteral("request"), request}});
    if (options.contains(QStringLiteral("data"))) {
        settings.request = {};
        settings.request.example = option("data").toUtf8();
    } else if (hints) {
        settings.request = hints->request;
    } else {
        settings.request = {};
    }
    if (const Result<Done> valid = settings.validate(); !valid) {
        err << "error: " << valid.error().typeName() << ": " << valid.error().message << '\n';
        return kApiError;
    }

    QString tokenId;
    const auto revoke = [&] {
        if (!tokenId.isEmpty())
            client.send("DELETE", svcPath(svc) + QStringLiteral("/tokens/") + tokenId);
        tokenId.clear();
    };
    const auto useToken = [&](const ApiResponse &minted) {
        const QJsonObject o = minted.body.object();
        settings.headers = {{QByteArrayLiteral("Authorization"),
                             QByteArrayLiteral("Bearer ") + o.value(QStringLiteral("token")).toString().toUtf8()}};
        tokenId = o.value(QStringLiteral("token_id")).toString();
    };
    const bool isPublic = endpoint.value(QStringLiteral("public")).toBool();
    if (!isPublic) {
        const qint64 life = *duration > 0 ? *duration / 1000 + 60 : kTokenLifeS;
        const ApiResponse minted = mintToken(client, svc, life);
        if (!minted.ok())
            return apiFailure(err, minted);
        useToken(minted);
    }

    TrafficSimulator simulator(settings);
    QObject::connect(&simulator, &TrafficSimulator::tick, &simulator, [&out](const SimulationTick &t) {
        out << line(t) << '\n';
        out.flush();
    });
    QObject::connect(&simulator, &TrafficSimulator::stopped, &simulator, [] { QCoreApplication::quit(); });
    QTimer renew;
    if (!isPublic && *duration == 0) {
        QObject::connect(&renew, &QTimer::timeout, &simulator, [&] {
            const ApiResponse minted = mintToken(client, svc, kTokenLifeS);
            if (!minted.ok()) {
                err << "servedeck ctl simulate: could not renew the token; the old one lasts until it expires\n";
                return;
            }
            revoke();
            useToken(minted);
            simulator.setHeaders(settings.headers);
        });
        renew.start(kTokenRenewMs);
    }

    SignalQuitter quitter;  // before the first request: Ctrl-C from here on stops cleanly
    const Result<Done> started = simulator.start();
    if (!started) {
        revoke();
        err << "error: " << started.error().typeName() << ": " << started.error().message << '\n';
        return kApiError;
    }
    out << "simulating " << settings.endpoint << ": " << patternName << ' ' << pattern->minRate << "-"
        << pattern->maxRate << " requests/s, period " << double(pattern->periodMs) / 1000.0 << "s, ticks of "
        << double(*interval) / 1000.0 << "s" << (settings.randomizeInterval ? " (50-150 %)" : "") << ", batch " << batchMin << ':' << batchMax
        << ", seed " << seed << ", to " << settings.url.toString()
        << (*duration > 0 ? QStringLiteral(" for %1s").arg(double(*duration) / 1000.0)
                          : QStringLiteral(" until Ctrl-C"))
        << '\n';
    out.flush();

    QCoreApplication::exec();  // until stopped (the duration), or SIGINT/SIGTERM
    renew.stop();
    if (simulator.isRunning()) {
        // Ctrl-C: no more requests; the answers in flight get stop()'s grace, bounded here too.
        simulator.stop();
        const QDeadlineTimer deadline(5000);
        while (simulator.isRunning() && !deadline.hasExpired())
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 100);
    }
    revoke();
    const SimulationTick totals = simulator.totals();
    out << "done: " << line(totals).trimmed();
    if (totals.cancelled > 0)
        out << "  cancelled " << totals.cancelled;
    out << '\n';
    for (auto it = totals.byRevision.cbegin(); it != totals.byRevision.cend(); ++it) {
        out << "  revision " << (it.key().isEmpty() ? QStringLiteral("-") : QString::fromUtf8(it.key())) << ": ok "
            << it.value().ok << ", failed " << it.value().failed << '\n';
    }
    return kOk;
}
