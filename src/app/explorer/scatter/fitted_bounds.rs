//! The scatter's plot bounds when a plane is fitted: the whole cloud at one data unit per point on
//! both axes, whatever the plot's shape.

/// Plot bounds that show `extent` ([min x, min y, max x, max y]) with a 5 % margin in a plot frame
/// of `frame_size` points, at the same data units per point on both axes. The plot keeps its 1:1
/// aspect by changing the y range alone, so bounds fitted to the extent alone lost the top and
/// bottom of a cloud that is taller, for its width, than the frame: here the axis with room to
/// spare is widened instead.
pub fn fitted_bounds(extent: [f64; 4], frame_size: [f32; 2]) -> egui_plot::PlotBounds {
    let [min_x, min_y, max_x, max_y] = extent;
    let margin = 0.05 * (max_x - min_x).max(max_y - min_y).max(1e-3);
    let [width, height] = [max_x - min_x + 2.0 * margin, max_y - min_y + 2.0 * margin];
    let [frame_width, frame_height] = frame_size.map(|points| f64::from(points.max(1.0)));
    let units_per_point = (width / frame_width).max(height / frame_height);
    let [half_width, half_height] = [units_per_point * frame_width / 2.0, units_per_point * frame_height / 2.0];
    let [center_x, center_y] = [(min_x + max_x) / 2.0, (min_y + max_y) / 2.0];
    egui_plot::PlotBounds::from_min_max(
        [center_x - half_width, center_y - half_height],
        [center_x + half_width, center_y + half_height],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Data units per point along x and y of `bounds` in a frame of `frame_size` points.
    fn units_per_point(bounds: &egui_plot::PlotBounds, frame_size: [f32; 2]) -> [f64; 2] {
        [bounds.width() / f64::from(frame_size[0]), bounds.height() / f64::from(frame_size[1])]
    }

    #[test]
    fn fitted_bounds_hold_the_extent_at_one_to_one_in_any_frame() {
        let extents = [[-1.0, -40.0, 2.0, 35.0], [-50.0, 0.0, 60.0, 1.0], [0.0, 0.0, 0.0, 0.0], [3.0, -3.0, 5.0, -1.0]];
        for extent in extents {
            for frame_size in [[900.0, 300.0], [300.0, 900.0], [500.0, 500.0]] {
                let bounds = fitted_bounds(extent, frame_size);
                let [x, y] = units_per_point(&bounds, frame_size);
                assert!((x - y).abs() <= 1e-9 * x.max(y), "{extent:?} in {frame_size:?}: {x} against {y} per point");
                let [min, max] = [bounds.min(), bounds.max()];
                let [min_x, min_y, max_x, max_y] = extent;
                assert!(min[0] < min_x && min[1] < min_y && max[0] > max_x && max[1] > max_y, "{extent:?}: {bounds:?}");
                // Centred, with the 5 % margin on the tighter axis.
                assert!(((min[0] + max[0]) / 2.0 - (min_x + max_x) / 2.0).abs() < 1e-9);
                assert!(((min[1] + max[1]) / 2.0 - (min_y + max_y) / 2.0).abs() < 1e-9);
            }
        }
        // A cloud 75 tall and 3 wide in a wide frame: the height sets the scale, the width is widened.
        let bounds = fitted_bounds([-1.0, -40.0, 2.0, 35.0], [900.0, 300.0]);
        assert!((bounds.height() - 75.0 * 1.1).abs() < 1e-9, "{bounds:?}");
        assert!((bounds.width() - 3.0 * bounds.height()).abs() < 1e-9, "{bounds:?}");
    }
}
