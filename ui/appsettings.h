#pragma once
// The coder's preferences, persisted with QSettings (organisation and application name set by main()).
// Command-line switches override them for one run.
// Threading: UI thread only.
#include <QString>

namespace fc::ui {

struct AppSettings {
    QString model;              // model directory or installed name; empty = "default"
    double threshold = -1.0;    // < 0: the model's tuned threshold
    double uncertainBand = 0.1; // half-width of the "uncertain" band around the threshold; 0 = off
    int threads = 0;            // inference threads; 0 = number of cores
    bool fast = false;          // fast mode: the network in bfloat16 where the CPU computes it natively
    QString databasePath;       // empty = fusioncoder.sqlite in the application data folder
    int fontSize = 0;           // point size of the note and tables; 0 = system default
    bool dark = false;          // dark palette

    static AppSettings load();
    void save() const;
    bool operator==(const AppSettings& other) const;
    bool operator!=(const AppSettings& other) const { return !(*this == other); }
};

// Applies the palette (light = the style's standard palette, dark = a dark Fusion palette) to the
// application.
void applyPalette(bool dark);

} // namespace fc::ui
