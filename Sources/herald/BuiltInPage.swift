import Foundation

/// The browser test page shipped with the executable (the `Page` folder of its resource bundle).
enum BuiltInPage {
    /// The folder holding `index.html`, `app.js` and `style.css`, or nil when the bundle lacks it.
    static var directory: String? {
        Bundle.module.path(forResource: "Page", ofType: nil)
    }
}
