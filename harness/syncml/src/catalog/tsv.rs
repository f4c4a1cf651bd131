//! A small reader for the catalog's tab-separated tables.
//!
//! The format: lines starting with `#` are comments and blank lines are skipped;
//! the first other line names the columns; every further line is one row with
//! exactly one cell per column, cells separated by a single tab. There is no
//! quoting and no escaping, so a cell cannot hold a tab or a line break. A cell
//! may be empty but may not start or end with a space.

use std::fmt;

/// A parsed table: its column names and its rows, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tsv<'a> {
    header: Vec<&'a str>,
    rows: Vec<TsvRow<'a>>,
}

/// One data line of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TsvRow<'a> {
    /// 1-based line number in the text.
    pub line: usize,
    cells: Vec<&'a str>,
}

/// Why a table could not be read: the line and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TsvError {
    /// 1-based line number in the text; 0 when the problem is the text as a whole.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for TsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for TsvError {}

impl<'a> Tsv<'a> {
    /// Reads a whole table. Fails on the first malformed line.
    pub fn parse(text: &'a str) -> Result<Tsv<'a>, TsvError> {
        let mut header: Option<Vec<&'a str>> = None;
        let mut rows = Vec::new();
        for (index, raw) in text.split('\n').enumerate() {
            let line = index + 1;
            let content = raw.strip_suffix('\r').unwrap_or(raw);
            if content.is_empty() || content.starts_with('#') {
                continue;
            }
            let cells = split_cells(content, line)?;
            match &header {
                None => header = Some(check_header(cells, line)?),
                Some(names) if cells.len() != names.len() => {
                    return Err(TsvError {
                        line,
                        message: format!(
                            "{} cells, but the header names {} columns",
                            cells.len(),
                            names.len()
                        ),
                    });
                }
                Some(_) => rows.push(TsvRow { line, cells }),
            }
        }
        let header = header.ok_or_else(|| TsvError {
            line: 0,
            message: "no header line".to_owned(),
        })?;
        Ok(Tsv { header, rows })
    }

    /// The position of the column called `name`.
    pub fn column(&self, name: &str) -> Result<usize, TsvError> {
        self.header
            .iter()
            .position(|&column| column == name)
            .ok_or_else(|| TsvError {
                line: 0,
                message: format!("no column named {name:?}"),
            })
    }

    pub fn rows(&self) -> &[TsvRow<'a>] {
        &self.rows
    }
}

impl<'a> TsvRow<'a> {
    /// The cell in column `index`, as found by [`Tsv::column`].
    pub fn cell(&self, index: usize) -> &'a str {
        self.cells.get(index).copied().unwrap_or("")
    }
}

fn split_cells(content: &str, line: usize) -> Result<Vec<&str>, TsvError> {
    let cells: Vec<&str> = content.split('\t').collect();
    if let Some(position) = cells.iter().position(|cell| cell.trim() != *cell) {
        return Err(TsvError {
            line,
            message: format!("cell {} starts or ends with a space", position + 1),
        });
    }
    Ok(cells)
}

fn check_header(names: Vec<&str>, line: usize) -> Result<Vec<&str>, TsvError> {
    for (position, name) in names.iter().enumerate() {
        if name.is_empty() {
            return Err(TsvError {
                line,
                message: format!("column {} of the header has no name", position + 1),
            });
        }
        if names[..position].contains(name) {
            return Err(TsvError {
                line,
                message: format!("column {name:?} is named twice"),
            });
        }
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_header_rows_and_line_numbers() {
        let text = "# comment\n\na\tb\n1\t\n# another\n3\tfour\r\n";
        let tsv = Tsv::parse(text).unwrap();
        let b = tsv.column("b").unwrap();
        let rows = tsv.rows();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[0].line, rows[0].cell(0), rows[0].cell(b)),
            (4, "1", "")
        );
        assert_eq!(
            (rows[1].line, rows[1].cell(0), rows[1].cell(b)),
            (6, "3", "four")
        );
    }

    #[test]
    fn a_row_with_the_wrong_number_of_cells_names_its_line() {
        let error = Tsv::parse("a\tb\n1\t2\n1\t2\t3\n").unwrap_err();
        assert_eq!(error.line, 3);
        assert!(error.message.contains("3 cells"), "{error}");
        assert_eq!(Tsv::parse("a\tb\nonly\n").unwrap_err().line, 2);
    }

    #[test]
    fn padded_cells_are_rejected() {
        let error = Tsv::parse("a\tb\n1\t 2\n").unwrap_err();
        assert_eq!(
            (error.line, error.message.as_str()),
            (2, "cell 2 starts or ends with a space")
        );
    }

    #[test]
    fn header_must_exist_and_name_every_column_once() {
        assert_eq!(Tsv::parse("# only comments\n").unwrap_err().line, 0);
        assert!(Tsv::parse("a\t\n").unwrap_err().message.contains("no name"));
        assert!(Tsv::parse("a\ta\n").unwrap_err().message.contains("twice"));
    }

    #[test]
    fn unknown_column_is_an_error() {
        let tsv = Tsv::parse("a\n1\n").unwrap();
        assert!(tsv.column("z").is_err());
    }
}
