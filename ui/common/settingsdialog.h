#pragma once

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLabel;

namespace ServeDeck {

// Language and theme; each choice applies at once to every window and is remembered.
class SettingsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SettingsDialog)

public:
    explicit SettingsDialog(QWidget *parent = nullptr);

    QComboBox *languageBox() const { return m_language; }
    QComboBox *themeBox() const { return m_theme; }
    QLabel *errorLabel() const { return m_error; }

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslate();
    void languageChosen(int index);
    void themeChosen(int index);

    QLabel *m_languageLabel;
    QComboBox *m_language;
    QLabel *m_themeLabel;
    QComboBox *m_theme;
    QLabel *m_error;
    QDialogButtonBox *m_buttons;
};

} // namespace ServeDeck
