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
#include <QTextStream>
#include <QTimer>
#include <QUrl>

#include "api/apiclient.h"
#include "ctltarget.h"
#include "ctlverb.h"
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

using namespace CtlVerb;

// An unbounded run's token lives an hour and is renewed every 45 minutes.
constexpr qint64 kTokenLifeS = 3600;
constexpr int kTokenRenewMs = 45 * 60 * 1000;

// A time option in whole milliseconds; nullopt for anything but CtlVerb's time grammar.
std::optional<qint64> wholeMs(const QString &text)
{
    const std::optional<double> ms = durationMs(text);
    if (!ms)
        return std::nullopt;
    return qint64(std::llround(*ms));
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
    const std::optional<qint64> period = wholeMs(optionOr("period", "60s"));
    const std::optional<qint64> interval = wholeMs(optionOr("interval", "1s"));
    const std::optional<qint64> duration = wholeMs(optionOr("duration", "0"));
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
        return kFailed;
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
    CtlTarget target(client, svc);
    if (const ApiResponse info = target.resolve(); !info.ok())
        return apiFailure(info, QStringLiteral("simulate"), err);
    const QJsonObject request = target.requestHints();
    SimulationSettings settings;
    settings.endpoint = target.name();
    settings.endpointUrl = target.origin();
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
        return kFailed;
    }

    const bool isPublic = target.isPublic();
    if (!isPublic) {
        const qint64 life = *duration > 0 ? *duration / 1000 + 60 : kTokenLifeS;
        if (const ApiResponse minted = target.mintToken(life); !minted.ok())
            return apiFailure(minted, QStringLiteral("simulate"), err);
        settings.headers = {target.authorization()};
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
            if (!target.mintToken(kTokenLifeS).ok()) {
                err << "servedeck ctl simulate: could not renew the token; the old one lasts until it expires\n";
                return;
            }
            settings.headers = {target.authorization()};
            simulator.setHeaders(settings.headers);
        });
        renew.start(kTokenRenewMs);
    }

    SignalQuitter quitter;  // before the first request: Ctrl-C from here on stops cleanly
    const Result<Done> started = simulator.start();
    if (!started) {
        target.revokeToken();
        err << "error: " << started.error().typeName() << ": " << started.error().message << '\n';
        return kFailed;
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
    target.revokeToken();
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
