//! The window's first size: fitted to the screen it opens on (the platform knows the monitor only
//! once the window exists, so the first frames resize it once).

/// The size the window opens at before it knows its monitor (and its smallest useful size).
pub const DEFAULT_INNER_SIZE: [f32; 2] = [1280.0, 800.0];

/// Fraction of the monitor a fitted window takes.
const SCREEN_SHARE: f32 = 0.92;

/// The inner size and position for a window of `inner` points on a `monitor` of that many points,
/// when it still has the default size and does not fit the monitor well (much larger, or larger
/// than the monitor), or when any size is larger than the monitor (one eframe restored from a
/// larger screen); `None` when it should stay as it is (a size the user chose that fits, or a
/// fitting default).
pub fn fitted(monitor: egui::Vec2, inner: egui::Vec2) -> Option<(egui::Vec2, egui::Pos2)> {
    let is_default = (inner - egui::Vec2::from(DEFAULT_INNER_SIZE)).length() <= 1.0;
    if monitor.x <= 0.0 || monitor.y <= 0.0 {
        return None;
    }
    let target = monitor * SCREEN_SHARE;
    // A size the user chose stays, unless it no longer fits (restored on a smaller screen).
    let too_small = is_default && (target.x > inner.x * 1.2 || target.y > inner.y * 1.2);
    let too_large = inner.x > monitor.x || inner.y > monitor.y;
    if !too_small && !too_large {
        return None;
    }
    let size = target.floor();
    let position = ((monitor - size) / 2.0).to_pos2().floor();
    Some((size, position))
}

use crate::app::layout::view_layout::ViewLayout;

/// The app fits its window once, on the first frame that knows the monitor.
impl crate::app::vae_app::VaeApp {
    /// Once the monitor is known: a window of the default size is fitted to it, and the views'
    /// layout to the window's width.
    pub(super) fn fit_to_screen(&mut self, ctx: &egui::Context) {
        if self.fitted_to_screen {
            return;
        }
        let (monitor, inner) = ctx.input(|input| {
            let viewport = input.viewport();
            (viewport.monitor_size, viewport.inner_rect.map(|rect| rect.size()))
        });
        let (Some(monitor), Some(inner)) = (monitor, inner) else { return };
        self.fitted_to_screen = true;
        let mut width = inner.x;
        if let Some((size, position)) = fitted(monitor, inner) {
            ctx.send_viewport_cmd(egui::ViewportCommand::InnerSize(size));
            ctx.send_viewport_cmd(egui::ViewportCommand::OuterPosition(position));
            width = size.x;
        }
        // A small window starts with the compact layout, unless the user arranged their own.
        if self.settings.layout == ViewLayout::default() {
            self.settings.layout = ViewLayout::for_width(width);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_default_window_grows_on_a_large_screen_and_any_window_shrinks_on_a_small_one() {
        let default = egui::Vec2::from(DEFAULT_INNER_SIZE);
        let (size, position) = fitted(egui::vec2(1920.0, 1080.0), default).expect("grown");
        assert_eq!((size, position), (egui::vec2(1766.0, 993.0), egui::pos2(77.0, 43.0)));
        let (size, _) = fitted(egui::vec2(800.0, 600.0), default).expect("shrunk");
        assert_eq!(size, egui::vec2(736.0, 552.0));
        assert_eq!(fitted(egui::vec2(1366.0, 850.0), default), None, "fits already");
        assert_eq!(fitted(egui::vec2(1920.0, 1080.0), egui::vec2(1000.0, 700.0)), None, "a size the user chose");
        let restored = fitted(egui::vec2(1280.0, 800.0), egui::vec2(1766.0, 993.0)).expect("shrunk to the screen");
        assert_eq!(restored, (egui::vec2(1177.0, 736.0), egui::pos2(51.0, 32.0)), "restored from a larger screen");
    }
}
