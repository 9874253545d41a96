#include "loadtestcontroller.h"

#include <QThread>

namespace ServeDeck {

LoadTestController::LoadTestController(QObject *parent)
    : QObject(parent)
    , m_thread(new QThread(this))
    , m_host(new QObject)
{
    qRegisterMetaType<ServeDeck::LoadTestProgress>();
    qRegisterMetaType<ServeDeck::LoadTestResult>();
    m_thread->setObjectName(QStringLiteral("loadtest"));
    m_host->moveToThread(m_thread);
    m_thread->start();
}

LoadTestController::~LoadTestController()
{
    // A run still going is cancelled and deleted on its own thread before the thread ends;
    // nothing it says after this reaches the view.
    QMetaObject::invokeMethod(
        m_host,
        [this] {
            if (m_test) {
                disconnect(m_test, nullptr, this, nullptr);
                m_test->cancel();
                delete m_test;
                m_test = nullptr;
            }
            QThread::currentThread()->quit();
        },
        Qt::QueuedConnection);
    m_thread->wait();
    delete m_host;
}

bool LoadTestController::start(const LoadTestSettings &settings)
{
    if (m_running)
        return false;
    m_running = true;
    QMetaObject::invokeMethod(
        m_host,
        [this, settings] {
            auto *test = new LoadTest(settings);
            m_test = test;
            connect(test, &LoadTest::progress, this, &LoadTestController::progressed, Qt::QueuedConnection);
            connect(test, &LoadTest::finished, m_host, [this, test] {
                m_test = nullptr;
                test->deleteLater();
            });
            connect(
                test, &LoadTest::finished, this,
                [this](const LoadTestResult &result) {
                    m_running = false;
                    Q_EMIT finished(result);
                },
                Qt::QueuedConnection);
            test->start();
        },
        Qt::QueuedConnection);
    Q_EMIT started();
    return true;
}

void LoadTestController::cancel()
{
    QMetaObject::invokeMethod(
        m_host,
        [this] {
            if (m_test)
                m_test->cancel();
        },
        Qt::QueuedConnection);
}

} // namespace ServeDeck
