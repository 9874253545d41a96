#include "replicaprocess.h"

#include <algorithm>
#include <csignal>
#include <fcntl.h>
#include <sched.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>

#include "agent/cgroupmemorylimit.h"
#include "agent/agentlog.h"

namespace ServeDeck {

namespace {

// Until the first healthy answer, probe often: cold start is measured to this resolution, and
// a replica that is up should not wait a whole interval to take traffic.
constexpr int kStartupProbeMs = 100;
// A health answer is a status line and a little JSON: anything past this is refused unread.
constexpr qint64 kMaxProbeBytes = 64 * 1024;
constexpr int kMemoryCheckMs = 200;

qint64 residentBytesOf(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    static const QRegularExpression re(QStringLiteral("^VmRSS:\\s+(\\d+) kB"), QRegularExpression::MultilineOption);
    const auto m = re.match(QString::fromLatin1(status.readAll()));
    return m.hasMatch() ? m.captured(1).toLongLong() * 1024 : 0;
}

// What a replica inherits from the agent, by name: where programs and libraries are, who and
// where it runs, locale, and the knobs GPU runtimes and model servers read. Nothing else, so
// the console's secrets (admin token, key and token paths, the data dir, any SERVEDECK_*
// variable) never reach a model server, which runs code that came with the model.
bool inheritedByReplicas(const QString &name)
{
    static const QStringList exact{
        QStringLiteral("PATH"), QStringLiteral("HOME"), QStringLiteral("USER"), QStringLiteral("LOGNAME"),
        QStringLiteral("SHELL"), QStringLiteral("LANG"), QStringLiteral("LANGUAGE"), QStringLiteral("TZ"),
        QStringLiteral("TMPDIR"), QStringLiteral("TERM"), QStringLiteral("LD_LIBRARY_PATH"),
        QStringLiteral("PYTHONPATH"), QStringLiteral("VIRTUAL_ENV"), QStringLiteral("CONDA_PREFIX"),
        QStringLiteral("XDG_CACHE_HOME"), QStringLiteral("SSL_CERT_FILE"), QStringLiteral("SSL_CERT_DIR"),
        QStringLiteral("http_proxy"), QStringLiteral("https_proxy"), QStringLiteral("no_proxy"),
        QStringLiteral("HTTP_PROXY"), QStringLiteral("HTTPS_PROXY"), QStringLiteral("NO_PROXY"),
        // Sanitizer and coverage builds of the demo model server report like the rest.
        QStringLiteral("ASAN_OPTIONS"), QStringLiteral("LSAN_OPTIONS"), QStringLiteral("UBSAN_OPTIONS"),
        QStringLiteral("TSAN_OPTIONS"), QStringLiteral("LLVM_PROFILE_FILE"),
    };
    static const QStringList prefixes{
        QStringLiteral("LC_"),     QStringLiteral("CUDA_"), QStringLiteral("NVIDIA_"), QStringLiteral("HF_"),
        QStringLiteral("TRANSFORMERS_"), QStringLiteral("VLLM_"), QStringLiteral("OMP_"), QStringLiteral("MKL_"),
        QStringLiteral("HIP_"),    QStringLiteral("ROCR_"),
    };
    if (exact.contains(name))
        return true;
    return std::any_of(prefixes.cbegin(), prefixes.cend(), [&name](const QString &p) { return name.startsWith(p); });
}

} // namespace

ReplicaProcess::ReplicaProcess(ReplicaSpec spec, QNetworkAccessManager &network, QString cgroupBase, QObject *parent)
    : QObject(parent)
    , m_spec(std::move(spec))
    , m_network(network)
    , m_cgroupBase(std::move(cgroupBase))
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    connect(&m_process, &QProcess::readyRead, this, [this] { m_log.append(m_process.readAll()); });
    connect(&m_process, &QProcess::finished, this, &ReplicaProcess::onFinished);
    connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error != QProcess::FailedToStart)
            return;
        m_facts.failedToLaunch = true;
        m_reason = QStringLiteral("cannot run %1: %2").arg(m_spec.program, m_process.errorString());
        finish(-1, std::nullopt);
    });
    connect(&m_process, &QProcess::started, this, [this] {
        if (!m_spec.healthCheck) {
            // Nothing to ask: running is all a replica without a health check can prove.
            m_coldStartMs = m_sinceStart.elapsed();
            m_state = State::Healthy;
            Q_EMIT becameHealthy();
        }
    });
    connect(&m_probeTimer, &QTimer::timeout, this, &ReplicaProcess::probe);
    connect(&m_memoryTimer, &QTimer::timeout, this, &ReplicaProcess::checkMemory);
    m_killTimer.setSingleShot(true);
    connect(&m_killTimer, &QTimer::timeout, &m_process, &QProcess::kill);
}

ReplicaProcess::~ReplicaProcess()
{
    disconnect(&m_process, nullptr, this, nullptr);
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill();
        m_process.waitForFinished(2000);
    }
}

void ReplicaProcess::start(quint16 port, const QHash<QString, quint16> &extraPorts)
{
    m_port = port;
    m_extraPorts = extraPorts;
    // Built from an allowlist, then the spec's own variables (which the model definition and the
    // agent chose on purpose), then PORT.
    const QProcessEnvironment agentEnvironment = QProcessEnvironment::systemEnvironment();
    QProcessEnvironment env;
    for (const QString &name : agentEnvironment.keys()) {
        if (inheritedByReplicas(name))
            env.insert(name, agentEnvironment.value(name));
    }
    // No shell runs the command, so $PORT is put in here (runtimes take their port as a flag).
    // Longer names first, so $GRPC_PORT_2 is not read as $GRPC_PORT followed by "_2".
    QList<QPair<QString, quint16>> ports{{QStringLiteral("PORT"), port}};
    for (auto it = extraPorts.cbegin(); it != extraPorts.cend(); ++it)
        ports.append({it.key(), it.value()});
    std::sort(ports.begin(), ports.end(), [](const auto &a, const auto &b) { return a.first.size() > b.first.size(); });
    const auto withPort = [&ports](QString text) {
        for (const auto &[name, number] : std::as_const(ports)) {
            text.replace(QStringLiteral("${%1}").arg(name), QString::number(number));
            text.replace(u'$' + name, QString::number(number));
        }
        return text;
    };
    for (auto it = m_spec.environment.cbegin(); it != m_spec.environment.cend(); ++it)
        env.insert(it.key(), withPort(it.value()));
    for (const auto &[name, number] : std::as_const(ports))
        env.insert(name, QString::number(number));
    m_process.setProcessEnvironment(env);
    m_process.setProgram(m_spec.program);
    QStringList arguments;
    for (const QString &arg : std::as_const(m_spec.arguments))
        arguments << withPort(arg);
    m_process.setArguments(arguments);
    if (!m_spec.workingDirectory.isEmpty())
        m_process.setWorkingDirectory(m_spec.workingDirectory);
    if (m_spec.memoryLimitBytes > 0 && !m_cgroupBase.isEmpty()) {
        QString why;
        m_cgroup = CgroupMemoryLimit::create(m_cgroupBase, QStringLiteral("replica-") + m_spec.routeId.toString(QUuid::WithoutBraces),
                                             m_spec.memoryLimitBytes, &why);
        if (!m_cgroup)
            qCWarning(lcAgent, "replica %s: %s; its memory is watched instead", qUtf8Printable(m_spec.routeId.toString()), qUtf8Printable(why));
    }
    // Everything the child does between fork and exec is prepared here: only plain system calls
    // may run there.
    cpu_set_t cpus;
    CPU_ZERO(&cpus);
    for (int core : std::as_const(m_spec.cpuSet))
        CPU_SET(core, &cpus);
    const bool pin = !m_spec.cpuSet.isEmpty();
    const QByteArray procs = m_cgroup ? m_cgroup->procsPath() : QByteArray();
    m_process.setChildProcessModifier([cpus, pin, procs] {
        // A replica never outlives the agent that started it: no orphans if the console is killed.
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (pin)
            ::sched_setaffinity(0, sizeof(cpus), &cpus);
        if (!procs.isEmpty()) {
            const int fd = ::open(procs.constData(), O_WRONLY | O_CLOEXEC);
            if (fd >= 0) {
                [[maybe_unused]] const auto written = ::write(fd, "0", 1);
                ::close(fd);
            }
        }
    });
    m_sinceStart.start();
    m_process.start();
    if (m_spec.healthCheck) {
        const int initialDelayMs = int(m_spec.healthCheck->initialDelay * 1000);
        QTimer::singleShot(initialDelayMs, this, [this] {
            if (m_state == State::Starting) {
                m_probeTimer.start(kStartupProbeMs);
                probe();
            }
        });
    }
    if (m_spec.memoryLimitBytes > 0 && !m_cgroup)
        m_memoryTimer.start(kMemoryCheckMs);
}

void ReplicaProcess::probe()
{
    // One probe at a time per replica: a slow one is never stacked on by the next tick.
    if (m_probing || m_process.state() != QProcess::Running || !m_spec.healthCheck)
        return;
    const HealthCheckConfig &hc = *m_spec.healthCheck;
    // It listens where the agent told it to (HOST), loopback unless this is a remote agent.
    const QString host = m_spec.environment.value(QStringLiteral("HOST"), QStringLiteral("127.0.0.1"));
    QNetworkRequest request(QUrl(QStringLiteral("http://%1:%2%3").arg(host).arg(m_port).arg(hc.path)));
    const int waitMs = qMax(1, int(hc.maxWaitTime * 1000));
    request.setTransferTimeout(waitMs);
    m_probing = true;
    QNetworkReply *reply = m_network.get(request);
    // Buffered at most one byte past the cap (the transfer pauses there), so an answer over it
    // is seen, and cut, before more of it is read.
    reply->setReadBufferSize(kMaxProbeBytes + 1);
    // Why the probe was cut short, if it was: a replica's answer is read only so far.
    auto cut = std::make_shared<QString>();
    const auto cutIfOver = [reply, cut](qint64 bytes) {
        if (cut->isEmpty() && bytes > kMaxProbeBytes) {
            *cut = QStringLiteral("health check answered with more than %1 KiB").arg(kMaxProbeBytes / 1024);
            reply->abort();
        }
    };
    connect(reply, &QNetworkReply::metaDataChanged, reply, [reply, cutIfOver] {
        cutIfOver(reply->header(QNetworkRequest::ContentLengthHeader).toLongLong());  // announced
    });
    connect(reply, &QNetworkReply::downloadProgress, reply, [cutIfOver](qint64 received, qint64) { cutIfOver(received); });
    // The transfer timeout starts over with every byte; this bounds the whole answer, however
    // slowly it trickles in.
    QTimer::singleShot(waitMs, reply, [reply, cut, waitMs] {
        if (!reply->isFinished() && cut->isEmpty()) {
            *cut = QStringLiteral("health check took longer than %1 ms").arg(waitMs);
            reply->abort();
        }
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply, cut, expected = hc.expectedStatusCode] {
        reply->deleteLater();
        m_probing = false;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        m_loading = false;
        if (!cut->isEmpty()) {
            onProbeResult(false, *cut);
        } else if (status == 0 || (status == expected && reply->error() != QNetworkReply::NoError)) {
            onProbeResult(false, reply->errorString());  // no answer, or one cut off after its status line
        } else if (status == expected && !m_spec.readyBody.isEmpty()
                   && !QString::fromUtf8(reply->read(kMaxProbeBytes)).contains(m_spec.readyBody)) {
            onProbeResult(false, QStringLiteral("health check answered %1 without \"%2\"").arg(status).arg(m_spec.readyBody));
        } else {
            // Readiness is not liveness: the runtime's "still loading" answer keeps it starting.
            m_loading = m_state == State::Starting && m_spec.loadingStatusCode != 0 && status == m_spec.loadingStatusCode;
            onProbeResult(status == expected, m_loading ? QStringLiteral("still loading (health check answered %1)").arg(status)
                                                        : QStringLiteral("health check answered %1, expected %2").arg(status).arg(expected));
        }
    });
}

void ReplicaProcess::onProbeResult(bool ok, const QString &detail)
{
    const HealthCheckConfig &hc = *m_spec.healthCheck;
    switch (m_state) {
    case State::Starting: {
        if (ok) {
            m_coldStartMs = m_sinceStart.elapsed();
            m_state = State::Healthy;
            m_failures = 0;
            m_probeTimer.start(int(hc.interval * 1000));
            Q_EMIT becameHealthy();
            return;
        }
        // A preset's start timeout (loading weights takes minutes), else Backend.AI's budget:
        // max_retries failed probes, interval apart, each allowed max_wait_time.
        const qint64 budgetMs = m_spec.startTimeoutMs > 0
                                    ? m_spec.startTimeoutMs
                                    : qint64(((hc.maxRetries + 1) * hc.interval + hc.maxWaitTime + hc.initialDelay) * 1000);
        if (m_sinceStart.elapsed() > budgetMs)
            giveUp(m_loading || !detail.startsWith(QStringLiteral("health check answered")),
                   QStringLiteral("not healthy %1 s after start: %2").arg(budgetMs / 1000).arg(detail));
        return;
    }
    case State::Healthy:
    case State::Unhealthy:
        if (ok) {
            m_failures = 0;
            if (m_state == State::Unhealthy) {
                m_state = State::Healthy;
                Q_EMIT becameHealthy();
            }
        } else if (++m_failures > hc.maxRetries && m_state == State::Healthy) {
            m_state = State::Unhealthy;
            Q_EMIT becameUnhealthy(QStringLiteral("%1 health checks failed in a row: %2").arg(m_failures).arg(detail));
        }
        return;
    case State::Stopping:
    case State::Exited:
        return;
    }
}

void ReplicaProcess::checkMemory()
{
    const qint64 rss = residentBytesOf(pid());
    if (rss <= m_spec.memoryLimitBytes || m_facts.memoryLimitHit)
        return;
    m_facts.memoryLimitHit = true;
    m_reason = QStringLiteral("resident memory %1 MiB passed the limit of %2 MiB")
                   .arg(rss >> 20)
                   .arg(m_spec.memoryLimitBytes >> 20);
    m_process.kill();
}

qint64 ReplicaProcess::residentBytes() const
{
    return residentBytesOf(pid());
}

double ReplicaProcess::cpuSeconds() const
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid()));
    if (!stat.open(QIODevice::ReadOnly))
        return 0;
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const QByteArray text = stat.readAll();
    const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 13)
        return 0;
    return double(fields[11].toLongLong() + fields[12].toLongLong()) / double(::sysconf(_SC_CLK_TCK));
}

void ReplicaProcess::giveUp(bool timedOut, const QString &reason)
{
    if (timedOut)
        m_facts.startTimedOut = true;
    else
        m_facts.healthGaveUp = true;
    m_reason = reason;
    m_process.kill();
}

void ReplicaProcess::stop()
{
    if (m_state == State::Exited || m_state == State::Stopping)
        return;
    m_facts.requested = true;
    m_state = State::Stopping;
    m_probeTimer.stop();
    if (m_process.state() == QProcess::NotRunning) {
        finish(0, std::nullopt);
        return;
    }
    m_process.terminate();
    m_killTimer.start(m_spec.gracePeriodMs);
}

void ReplicaProcess::onFinished(int exitCode, QProcess::ExitStatus status)
{
    m_log.append(m_process.readAll());
    // On Unix a crash exit carries the signal number in exitCode.
    if (status == QProcess::CrashExit)
        finish(-1, exitCode);
    else
        finish(exitCode, std::nullopt);
}

void ReplicaProcess::finish(int exitCode, std::optional<int> signal)
{
    if (m_state == State::Exited)
        return;
    m_facts.everHealthy = m_coldStartMs >= 0;
    m_state = State::Exited;
    m_probeTimer.stop();
    m_memoryTimer.stop();
    m_killTimer.stop();
    m_facts.exitCode = exitCode;
    m_facts.signal = signal;
    if (m_cgroup && m_cgroup->oomKills() > 0 && !m_facts.memoryLimitHit) {
        m_facts.memoryLimitHit = true;
        if (m_reason.isEmpty())
            m_reason = QStringLiteral("the kernel's OOM killer ended it at its cgroup limit of %1 MiB").arg(m_spec.memoryLimitBytes >> 20);
    }
    m_cgroup.reset();  // the process is gone, so its leaf can be removed

    ReplicaExit exit;
    exit.errorKind = classifyExit(m_facts, m_log);
    exit.everHealthy = m_facts.everHealthy;
    exit.exitCode = exitCode;
    exit.signal = signal;
    exit.logTail = m_log.text();
    if (!m_reason.isEmpty())
        exit.message = m_reason;
    else if (signal)
        exit.message = QStringLiteral("%1 ended by signal %2").arg(m_spec.program).arg(*signal);
    else
        exit.message = QStringLiteral("%1 exited with code %2").arg(m_spec.program).arg(exitCode);
    // The device and the memory asked for, where the log says, lead the record.
    if (exit.errorKind == u"CudaOutOfMemory")
        exit.message = describeCudaOom(cudaOomDetails(m_log), m_spec.environment.value(QStringLiteral("CUDA_VISIBLE_DEVICES")))
            + QStringLiteral(" (") + exit.message + u')';
    Q_EMIT exited(exit);
}

} // namespace ServeDeck
