use super::*;

/// A drawing of one stroke through `points` with `radius`.
fn stroke(points: &[[f32; 2]], radius: f32, erase: bool) -> Drawing {
    let mut drawing = Drawing::default();
    let mut points = points.iter();
    if let Some(&first) = points.next() {
        assert!(drawing.begin(first, radius, erase));
    }
    for &point in points {
        drawing.extend(point);
    }
    drawing
}

fn inked(values: &[f32]) -> Vec<usize> {
    values.iter().enumerate().filter(|(_, value)| **value > 0.5).map(|(index, _)| index).collect()
}

#[test]
fn a_horizontal_stroke_covers_its_row_and_nothing_far_from_it() {
    // On a 10 × 10 grid, a stroke along y = 0.55 (row 5's centre) from x = 0.15 to 0.85 with a
    // radius of half a pixel covers row 5 from column 1 to 8.
    let drawing = stroke(&[[0.15, 0.55], [0.85, 0.55]], 0.05, false);
    let values = coverage(&drawing, 10, 10).expect("a valid grid");
    let expected: Vec<usize> = (1..=8).map(|column| 5 * 10 + column).collect();
    assert_eq!(inked(&values), expected);
    for (index, value) in values.iter().enumerate() {
        let row = index / 10;
        if !(4..=6).contains(&row) {
            assert_eq!(*value, 0.0, "pixel {index} is far from the stroke");
        }
        assert!((0.0..=1.0).contains(value));
    }
}

#[test]
fn a_single_click_leaves_a_round_dot() {
    let drawing = stroke(&[[0.5, 0.5]], 0.1, false);
    let values = coverage(&drawing, 20, 20).expect("a valid grid");
    // Radius 2 px around (10, 10): the four pixels around the centre are full ink, corners are not.
    for (x, y) in [(9, 9), (10, 9), (9, 10), (10, 10)] {
        assert_eq!(values[y * 20 + x], 1.0);
    }
    assert_eq!(values[0], 0.0);
    assert_eq!(values[7 * 20 + 7], 0.0, "the dot is round, not square");
}

#[test]
fn clear_and_undo_empty_the_canvas_and_the_eraser_takes_ink_away() {
    let mut drawing = stroke(&[[0.1, 0.5], [0.9, 0.5]], 0.05, false);
    assert!(!drawing.is_empty());
    assert!(drawing.begin([0.5, 0.0], 0.1, true));
    assert!(drawing.extend([0.5, 1.0]));
    let values = coverage(&drawing, 20, 20).expect("a valid grid");
    assert_eq!(values[10 * 20 + 10], 0.0, "erased where the eraser crossed");
    assert_eq!(values[10 * 20 + 3], 1.0, "ink left beside it");

    assert!(drawing.undo());
    assert_eq!(coverage(&drawing, 20, 20).expect("grid")[10 * 20 + 10], 1.0, "undo brings the ink back");
    drawing.clear();
    assert!(drawing.is_empty() && drawing.strokes().is_empty());
    assert!(coverage(&drawing, 20, 20).expect("grid").iter().all(|&value| value == 0.0));
    assert!(!drawing.undo());

    let only_erased = stroke(&[[0.2, 0.2], [0.8, 0.8]], 0.1, true);
    assert!(only_erased.is_empty(), "an eraser stroke lays no ink");
}

#[test]
fn a_stroke_leaving_the_canvas_is_clipped_at_its_edge() {
    let across = stroke(&[[-0.7, 0.55], [1.6, 0.55]], 0.05, false);
    let values = coverage(&across, 10, 10).expect("grid");
    assert_eq!(inked(&values), (50..60).collect::<Vec<_>>(), "the whole row, and nothing wraps around");

    let outside = stroke(&[[-0.5, -0.5], [1.5, -0.3]], 0.05, false);
    assert!(coverage(&outside, 10, 10).expect("grid").iter().all(|&value| value == 0.0));
}

#[test]
fn huge_and_nan_coordinates_and_radii_do_not_panic() {
    let mut drawing = Drawing::default();
    assert!(!drawing.begin([f32::NAN, 0.5], 0.05, false), "NaN starts nothing");
    assert!(!drawing.extend([0.5, 0.5]), "nothing to extend yet");
    assert!(drawing.begin([1e30, -1e30], f32::NAN, false), "huge points are pulled back");
    assert_eq!(drawing.strokes()[0].radius, DEFAULT_BRUSH_RADIUS);
    assert!(!drawing.extend([f32::INFINITY, 0.0]));
    assert!(!drawing.extend([0.0, f32::NEG_INFINITY]));
    assert!(drawing.extend([-f32::MAX, f32::MAX]));
    assert!(drawing.begin([0.5, 0.5], 1e9, false));
    assert_eq!(drawing.strokes()[1].radius, *BRUSH_RADIUS_RANGE.end());
    for point in drawing.strokes().iter().flat_map(|stroke| &stroke.points) {
        assert!(point.iter().all(|value| value.is_finite() && value.abs() <= 1.0 + OUTSIDE_MARGIN));
    }
    let values = coverage(&drawing, 28, 28).expect("grid");
    assert!(values.iter().all(|value| (0.0..=1.0).contains(value)));
    assert!(values.iter().any(|&value| value > 0.0));

    // A stroke built by hand, not through `begin`, may hold anything: skipped, not a panic.
    for radius in [0.1, 1e38, f32::NAN, -1.0] {
        let points = vec![[0.5, 0.5], [f32::NAN, 1.0], [1e38, -1e38], [f32::INFINITY, 0.5], [0.2, 0.2]];
        let wild = Stroke { points, radius, erase: false };
        assert!(raster::coverage_of_stroke(&wild, 8, 8).iter().all(|value| (0.0..=1.0).contains(value)));
    }
}

#[test]
fn grid_sides_outside_the_caps_are_refused() {
    let drawing = stroke(&[[0.5, 0.5]], 0.1, false);
    assert!(coverage(&drawing, 0, 10).is_none());
    assert!(coverage(&drawing, 10, MAX_RASTER_SIDE_PX + 1).is_none());
    assert_eq!(coverage(&drawing, 3, 5).expect("grid").len(), 15);
}

#[test]
fn a_full_drawing_ignores_more_points_and_strokes() {
    let mut drawing = Drawing::default();
    assert!(drawing.begin([0.0, 0.0], 0.05, false));
    let mut added = 1;
    for index in 0..MAX_POINTS + 10 {
        if drawing.extend([(index % 1000) as f32 / 1000.0, (index / 1000) as f32 / 100.0]) {
            added += 1;
        }
    }
    assert_eq!(added, MAX_POINTS);
    assert_eq!(drawing.point_count(), MAX_POINTS);
    assert!(!drawing.begin([0.5, 0.5], 0.05, false), "no room for another stroke");
    assert!(drawing.undo());
    assert!(drawing.begin([0.5, 0.5], 0.05, false), "undo makes room");
}
