#pragma once

#include <QDialog>

class QLabel;
class QListWidget;
class QPushButton;

namespace ServeDeck {

class ControlClient;
class DemoTour;
struct DemoTourOptions;

// Help > Demo: the guided tour on the console's own plane, one step per Next, each step's state in
// the list and the current one's explanation and result below it. Everything goes through
// ControlClient (the GUI thread never waits); Cancel and closing the dialog clean up.
class DemoDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DemoDialog)

public:
    DemoDialog(ControlClient &client, const DemoTourOptions &options, QWidget *parent = nullptr);
    explicit DemoDialog(ControlClient &client, QWidget *parent = nullptr);
    ~DemoDialog() override;

    DemoTour *tour() const { return m_tour; }
    QListWidget *stepList() const { return m_steps; }
    QLabel *explanationLabel() const { return m_explanation; }
    QLabel *resultLabel() const { return m_result; }
    QPushButton *nextButton() const { return m_next; }
    QPushButton *cancelButton() const { return m_cancel; }

    void reject() override;  // Esc and the close button: cancel (clean up), then close

private:
    void showStep(int index);
    void goOn();

    DemoTour *m_tour;
    QListWidget *m_steps;
    QLabel *m_explanation;
    QLabel *m_result;
    QPushButton *m_next;
    QPushButton *m_cancel;
    QPushButton *m_close;
};

} // namespace ServeDeck
