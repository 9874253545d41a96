#pragma once

#include <QDialog>

#include "notify/notificationtypes.h"

class QAbstractItemModel;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QStackedWidget;

namespace ServeDeck {

class ControlClient;
class EndpointSelector;
class ErrorLabel;

// Adds a notification channel: the desktop, a webhook (URL and a signing secret that is
// written once and never shown back) or a command (a program and its arguments, no shell),
// with the events, the least severity and the endpoint it is for, and its quiet period.
// The plane checks it; its typed error shows in the dialog, which stays open.
class ChannelDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChannelDialog)

public:
    // endpoints: an EndpointListModel.
    ChannelDialog(ControlClient &client, QAbstractItemModel &endpoints, QWidget *parent = nullptr);
    ~ChannelDialog() override;

    QLineEdit *nameField() const { return m_name; }
    QComboBox *kindBox() const { return m_kind; }
    QLineEdit *urlField() const { return m_url; }
    QLineEdit *secretField() const { return m_secret; }
    QLineEdit *programField() const { return m_program; }
    QPlainTextEdit *argumentsField() const { return m_arguments; }
    QListWidget *eventList() const { return m_events; }
    QComboBox *severityBox() const { return m_severity; }
    EndpointSelector *endpointSelector() const { return m_endpoint; }
    QSpinBox *quietPeriodBox() const { return m_quiet; }
    QPushButton *addButton() const { return m_add; }
    ErrorLabel *errorLabel() const { return m_error; }
    bool isBusy() const;

    // The channel as the plane stored it, once accepted.
    const NotificationChannel &created() const { return m_created; }

Q_SIGNALS:
    // The plane answered (accepted or refused).
    void answered(bool ok);

private:
    void add();
    void setBusy(bool busy);
    NotificationChannel channel() const;

    ControlClient &m_client;
    QLineEdit *m_name;
    QComboBox *m_kind;
    QStackedWidget *m_target;
    QLineEdit *m_url;
    QLineEdit *m_secret;
    QLineEdit *m_program;
    QPlainTextEdit *m_arguments;
    QListWidget *m_events;
    QComboBox *m_severity;
    EndpointSelector *m_endpoint;
    QSpinBox *m_quiet;
    ErrorLabel *m_error;
    QLabel *m_busy;
    QPushButton *m_add;
    NotificationChannel m_created;
};

} // namespace ServeDeck
