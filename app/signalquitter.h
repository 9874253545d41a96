#pragma once

#include <QObject>

class QSocketNotifier;

// Turns SIGINT/SIGTERM into a clean QCoreApplication::quit() through a self-pipe,
// since nothing but write() is safe inside a signal handler.
class SignalQuitter final : public QObject
{
    Q_OBJECT

public:
    explicit SignalQuitter(QObject *parent = nullptr);

private:
    QSocketNotifier *m_notifier = nullptr;
};
