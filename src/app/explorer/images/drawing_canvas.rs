//! The drawing canvas: the user draws with the mouse (brush or eraser, undo, clear). The view only
//! records strokes; the inference thread turns them into the model's input and encodes them, and
//! what the model read and its reconstruction show beside the canvas.

use egui::{Color32, CursorIcon, Pos2, Role, Sense, Vec2, WidgetInfo};

use crate::app::explorer::images::texture::{CachedTexture, texture_image};
use crate::drawing::{BRUSH_RADIUS_RANGE, DEFAULT_BRUSH_RADIUS, Drawing, EncodedDrawing};
use crate::image_shape::ImageShape;
use crate::render;

/// Largest side of the canvas on screen, in points.
pub const CANVAS_SIDE: f32 = 280.0;
/// Side of the pictures of the model's input and reconstruction beside the canvas, in points.
const PICTURE_SIDE: f32 = 84.0;
/// The canvas's name for screen readers and tests.
pub const CANVAS_LABEL: &str = "drawing canvas";

/// What the user asked of the canvas.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CanvasAction {
    /// Make the encoded drawing morph end A (0) or B (1).
    UseAs(usize),
}

/// What the canvas shows besides the strokes.
pub struct CanvasView<'a> {
    /// The served model's image shape.
    pub shape: ImageShape,
    /// Colour of the paper.
    pub paper: [u8; 3],
    /// The ink used unless one is chosen; `None` when the ink cannot be chosen (digit models).
    pub default_ink: Option<[u8; 3]>,
    /// The newest answer: the drawing it was for, its encoding, and a key that changes with it.
    pub encoded: Option<(&'a Drawing, Option<&'a EncodedDrawing>, u64)>,
}

/// The canvas's strokes and tools.
pub struct DrawingCanvas {
    drawing: Drawing,
    /// Brush radius as a share of the canvas side.
    brush_radius: f32,
    eraser: bool,
    input_texture: CachedTexture,
    reconstruction_texture: CachedTexture,
}

impl Default for DrawingCanvas {
    fn default() -> Self {
        Self {
            drawing: Drawing::default(),
            brush_radius: DEFAULT_BRUSH_RADIUS,
            eraser: false,
            input_texture: CachedTexture::default(),
            reconstruction_texture: CachedTexture::default(),
        }
    }
}

impl DrawingCanvas {
    /// The drawing so far.
    pub fn drawing(&self) -> &Drawing {
        &self.drawing
    }

    /// Draws the tools, the canvas and the model's view of the drawing; records strokes.
    pub fn ui(&mut self, ui: &mut egui::Ui, view: &CanvasView<'_>) -> Vec<CanvasAction> {
        let mut actions = Vec::new();
        self.tools_ui(ui, view);
        let side = (ui.available_width() - PICTURE_SIDE - 24.0).clamp(120.0, CANVAS_SIDE);
        ui.horizontal_top(|ui| {
            self.canvas_ui(ui, view, side);
            ui.vertical(|ui| self.model_view_ui(ui, view, &mut actions));
        });
        actions
    }

    fn tools_ui(&mut self, ui: &mut egui::Ui, view: &CanvasView<'_>) {
        ui.horizontal_wrapped(|ui| {
            ui.selectable_value(&mut self.eraser, false, "brush");
            ui.selectable_value(&mut self.eraser, true, "eraser");
            let range = *BRUSH_RADIUS_RANGE.start()..=0.12;
            ui.add(egui::Slider::new(&mut self.brush_radius, range).text("size").show_value(false));
            if ui.add_enabled(!self.drawing.strokes().is_empty(), egui::Button::new("Undo")).clicked() {
                self.drawing.undo();
            }
            if ui.add_enabled(!self.drawing.strokes().is_empty(), egui::Button::new("Clear")).clicked() {
                self.drawing.clear();
            }
            if let Some(default_ink) = view.default_ink {
                let mut ink = self.drawing.ink.unwrap_or(default_ink);
                ui.label("ink");
                if ui.color_edit_button_srgb(&mut ink).changed() {
                    self.drawing.ink = Some(ink);
                }
            }
        });
    }

    /// The canvas itself: paper, strokes as drawn, and the pointer's brush.
    fn canvas_ui(&mut self, ui: &mut egui::Ui, view: &CanvasView<'_>, side: f32) {
        let (rect, response) = ui.allocate_exact_size(Vec2::splat(side), Sense::drag());
        response.widget_info(|| WidgetInfo::labeled(Role::Canvas, true, CANVAS_LABEL));
        let to_unit = |pointer: Pos2| [(pointer.x - rect.min.x) / side, (pointer.y - rect.min.y) / side];
        if response.drag_started() {
            let origin = ui.input(|input| input.pointer.press_origin()).or(response.interact_pointer_pos());
            if let Some(origin) = origin {
                self.drawing.begin(to_unit(origin), self.brush_radius, self.eraser);
            }
        }
        if response.dragged() {
            // Every move of the frame, not only the last: a slow frame keeps the stroke's curve.
            for pointer in pointer_moves(ui, response.drag_started()) {
                self.drawing.extend(to_unit(pointer));
            }
            if let Some(pointer) = response.interact_pointer_pos() {
                self.drawing.extend(to_unit(pointer));
            }
        }
        let painter = ui.painter_at(rect);
        let paper = rgb(view.paper);
        painter.rect_filled(rect, 0.0, paper);
        let ink = match view.default_ink {
            Some(default_ink) => rgb(self.drawing.ink.unwrap_or(default_ink)),
            None => Color32::WHITE,
        };
        let to_screen = |[x, y]: [f32; 2]| rect.min + Vec2::new(x, y) * side;
        for stroke in self.drawing.strokes() {
            let color = if stroke.erase { paper } else { ink };
            let radius = stroke.radius * side;
            for pair in stroke.points.windows(2) {
                painter.line_segment([to_screen(pair[0]), to_screen(pair[1])], (2.0 * radius, color));
            }
            for &point in &stroke.points {
                painter.circle_filled(to_screen(point), radius, color);
            }
        }
        painter.rect_stroke(rect, 0.0, (1.0, Color32::from_gray(90)), egui::StrokeKind::Inside);
        if let Some(pointer) = response.hover_pos() {
            let outline = if self.eraser { Color32::from_rgb(255, 120, 120) } else { Color32::from_gray(150) };
            painter.circle_stroke(pointer, self.brush_radius * side, (1.0, outline));
        }
        response.on_hover_cursor(CursorIcon::Crosshair);
    }

    /// What the model read, its reconstruction, and the buttons that make it a morph end.
    fn model_view_ui(&mut self, ui: &mut egui::Ui, view: &CanvasView<'_>, actions: &mut Vec<CanvasAction>) {
        let answer = view.encoded.and_then(|(drawing, encoded, key)| encoded.map(|encoded| (drawing, encoded, key)));
        let current = answer.is_some_and(|(drawing, _, _)| *drawing == self.drawing);
        match answer {
            Some((_, encoded, key)) if !self.drawing.is_empty() => {
                let shape = view.shape;
                ui.small("model input");
                let input = self.input_texture.get(ui.ctx(), "drawing_input", key, || {
                    texture_image(&render::single_image(encoded.pixels.clone(), shape))
                });
                ui.add(egui::Image::new(input).fit_to_exact_size(Vec2::splat(PICTURE_SIDE)));
                ui.small("reconstruction");
                let reconstruction = self.reconstruction_texture.get(ui.ctx(), "drawing_reconstruction", key, || {
                    texture_image(&render::single_image(encoded.reconstruction.clone(), shape))
                });
                ui.add(egui::Image::new(reconstruction).fit_to_exact_size(Vec2::splat(PICTURE_SIDE)));
                ui.small(if current { "encoded" } else { "encoding…" });
            }
            _ if self.drawing.is_empty() => {
                ui.small("draw here; the drawing is encoded as you draw");
            }
            _ => {
                ui.small("encoding…");
            }
        }
        for (slot, name) in ["A", "B"].into_iter().enumerate() {
            if ui
                .add_enabled(current && !self.drawing.is_empty(), egui::Button::new(format!("Use as {name}")))
                .clicked()
            {
                actions.push(CanvasAction::UseAs(slot));
                // Applied after this frame is drawn: the next frame shows the new end.
                ui.ctx().request_repaint();
            }
        }
    }
}

/// The pointer's positions in this frame's events, in order; when the press happened in this frame,
/// only the moves after it.
fn pointer_moves(ui: &egui::Ui, pressed_this_frame: bool) -> Vec<Pos2> {
    ui.input(|input| {
        let mut pressed = !pressed_this_frame;
        let mut moves = Vec::new();
        for event in &input.events {
            match event {
                egui::Event::PointerButton { pressed: true, .. } => pressed = true,
                egui::Event::PointerMoved(pointer) if pressed => moves.push(*pointer),
                _ => {}
            }
        }
        moves
    })
}

fn rgb([red, green, blue]: [u8; 3]) -> Color32 {
    Color32::from_rgb(red, green, blue)
}
