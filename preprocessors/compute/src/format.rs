//! Showing computed values to the reader.

use coursebook_notebook::notebook::Value;

/// Formats `value` for the page: numbers with the book's decimal separator, `digits` fixed
/// decimals when given, else the shortest form that is exact to 10 decimals (so that
/// `0.1 + 0.2` shows as `0.3`, not `0.30000000000000004`). Lists are bracketed; their items are
/// separated by `; ` when the decimal separator is a comma, so that `[0,46; 0,17]` reads back.
///
/// ```
/// use coursebook_notebook::notebook::Value;
/// use coursebook_compute::format::format_value;
/// let v = Value::List(vec![Value::Float(-0.2), Value::Float(0.8)]);
/// assert_eq!(format_value(&v, '.', None), "[-0.2, 0.8]");
/// assert_eq!(format_value(&v, ',', None), "[-0,2; 0,8]");
/// assert_eq!(format_value(&Value::Float(0.46396), ',', Some(2)), "0,46");
/// ```
pub fn format_value(value: &Value, decimal: char, digits: Option<usize>) -> String {
    match value {
        Value::Int(n) => n.to_string(),
        Value::Float(x) => format_float(*x, decimal, digits),
        Value::Bool(b) => b.to_string(),
        Value::Str(s) => s.clone(),
        Value::Figure(f) => format!("[figure: {}]", f.alt),
        Value::List(items) => {
            let separator = if decimal == ',' { "; " } else { ", " };
            let items: Vec<_> = items
                .iter()
                .map(|v| format_value(v, decimal, digits))
                .collect();
            format!("[{}]", items.join(separator))
        }
    }
}

fn format_float(x: f64, decimal: char, digits: Option<usize>) -> String {
    let text = match digits {
        Some(d) => format!("{x:.d$}"),
        None if x.is_finite() => {
            let rounded = (x * 1e10).round() / 1e10;
            format!("{}", if rounded == 0.0 { 0.0 } else { rounded })
        }
        None => format!("{x}"),
    };
    if decimal == '.' {
        text
    } else {
        text.replace('.', &decimal.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_noise_is_hidden_and_negative_zero_is_zero() {
        assert_eq!(format_value(&Value::Float(0.1 + 0.2), '.', None), "0.3");
        assert_eq!(format_value(&Value::Float(-1e-12), '.', None), "0");
        assert_eq!(format_value(&Value::Float(2.0), '.', None), "2");
        assert_eq!(format_value(&Value::Float(0.125), '.', Some(3)), "0.125");
    }
}
