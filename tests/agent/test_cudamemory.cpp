// The demo model server's --gpu-memory-mb, a real child process: without the driver's library it
// refuses to start and says why; with CUDA's stand-in (fakecuda.cpp: no GPU in CI) it holds the
// memory and serves, and an allocation larger than the device is an out-of-memory that the agent
// records as CudaOutOfMemory with the device and the size.
#include <QDir>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>

#include "agent/replicaprocess.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

// Start-up is milliseconds; the margin is for a loaded CI runner.
constexpr int kWaitMs = 15000;

QString modelServer()
{
    return QDir(qEnvironmentVariable("SERVEDECK_BIN_DIR")).filePath(u"servedeck-model-server"_s);
}

struct Ran
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

// Runs the model server to its end (or kills it at the bound) with `library` as libcuda.
Ran run(const QStringList &arguments, const QString &library)
{
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"SERVEDECK_CUDA_LIBRARY"_s, library);
    process.setProcessEnvironment(environment);
    process.start(modelServer(), arguments);
    if (!process.waitForFinished(kWaitMs))
        process.kill();
    process.waitForFinished(kWaitMs);
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1, process.readAllStandardOutput(),
            process.readAllStandardError()};
}

} // namespace

class TestCudaMemory final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY2(QFile::exists(modelServer()), qPrintable(modelServer())); }

    void withoutTheDriverItRefuses()
    {
        const Ran ran = run({u"--openai"_s, u"--port"_s, u"0"_s, u"--gpu-memory-mb"_s, u"64"_s},
                            u"/nonexistent/libcuda.so.1"_s);
        QCOMPARE(ran.exitCode, 1);
        QVERIFY2(ran.err.contains("--gpu-memory-mb needs the NVIDIA driver's /nonexistent/libcuda.so.1, which cannot be loaded"),
                 ran.err.constData());
        QVERIFY2(!ran.out.contains("listening="), ran.out.constData());
    }

    void badValuesAreRefused_data()
    {
        QTest::addColumn<QString>("value");
        QTest::newRow("negative") << u"-5"_s;
        QTest::newRow("word") << u"lots"_s;
        QTest::newRow("beyond the bound") << u"99999999999"_s;
    }

    void badValuesAreRefused()
    {
        QFETCH(QString, value);
        const Ran ran = run({u"--openai"_s, u"--gpu-memory-mb"_s, value}, QString::fromUtf8(FAKE_CUDA_PATH));
        QCOMPARE(ran.exitCode, 2);
        QVERIFY2(ran.err.contains("gpu-memory-mb"), ran.err.constData());
    }

    // Held, said, and then it serves as usual.
    void holdsTheMemoryAndServes()
    {
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(u"SERVEDECK_CUDA_LIBRARY"_s, QString::fromUtf8(FAKE_CUDA_PATH));
        process.setProcessEnvironment(environment);
        process.start(modelServer(), {u"--openai"_s, u"--host"_s, u"127.0.0.1"_s, u"--port"_s, u"0"_s,
                                      u"--gpu-memory-mb"_s, u"10240"_s});
        QVERIFY(process.waitForStarted(kWaitMs));
        QByteArray out;
        QTRY_VERIFY_WITH_TIMEOUT((out += process.readAllStandardOutput()).contains("listening="), kWaitMs);
        const QByteArray err = process.readAllStandardError();
        QVERIFY2(err.contains("holding 10240 MiB of GPU memory on CUDA device 0 (NVIDIA Fake CUDA 24GB, 24576 MiB)"),
                 err.constData());
        process.terminate();
        QVERIFY(process.waitForFinished(kWaitMs));
    }

    // More than the device: the agent's record says CudaOutOfMemory, the machine's device (the
    // replica sees device 1 as its GPU 0) and the size asked for.
    void outOfMemoryIsRecordedWithDeviceAndSize()
    {
        QNetworkAccessManager network;
        ReplicaSpec spec;
        spec.routeId = QUuid::createUuid();
        spec.program = modelServer();
        spec.arguments = {u"--openai"_s, u"--gpu-memory-mb"_s, u"30000"_s};
        spec.environment = {{u"SERVEDECK_CUDA_LIBRARY"_s, QString::fromUtf8(FAKE_CUDA_PATH)},
                            {u"CUDA_VISIBLE_DEVICES"_s, u"1"_s}};
        spec.gracePeriodMs = 1000;
        ReplicaProcess replica(spec, network);
        QSignalSpy exited(&replica, &ReplicaProcess::exited);
        replica.start(45679);
        QVERIFY(exited.wait(kWaitMs));
        const auto exit = exited.constFirst().constFirst().value<ReplicaExit>();
        QCOMPARE(exit.errorKind.value_or(QString()), u"CudaOutOfMemory"_s);
        QCOMPARE(exit.exitCode, 1);
        QVERIFY2(exit.message.startsWith(u"CUDA out of memory on device 1 (GPU 0 as the runtime counts): tried to "
                                         "allocate 29.3 GiB ("_s),
                 qPrintable(exit.message));
        QVERIFY2(exit.logTail.contains(u"CUDA error: out of memory. Tried to allocate 30000 MiB (GPU 0; 24576 MiB total capacity"_s),
                 qPrintable(exit.logTail));
    }
};

QTEST_GUILESS_MAIN(TestCudaMemory)
#include "test_cudamemory.moc"
