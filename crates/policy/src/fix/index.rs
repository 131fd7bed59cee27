//! Lookups a fix makes over the whole model, indexed once per run the
//! first time a fix asks (a fix that scanned every file or resource would
//! cost a monorepo's run time squared): the Terraform files of each
//! folder, the resources of each file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use phiguard_model::{FileId, Model, Resource, SourceFile, Value};

#[derive(Default)]
pub(crate) struct FixIndex {
    folders: OnceLock<HashMap<PathBuf, Vec<usize>>>,
    resources: OnceLock<HashMap<FileId, Vec<usize>>>,
}

impl FixIndex {
    fn folders(&self, model: &Model) -> &HashMap<PathBuf, Vec<usize>> {
        self.folders.get_or_init(|| {
            let mut index: HashMap<PathBuf, Vec<usize>> = HashMap::new();
            for (at, file) in model.files.iter().enumerate() {
                let name = file.path.file_name().and_then(|n| n.to_str()).unwrap_or("");
                if !(name.ends_with(".tf") || name.ends_with(".tf.json")) {
                    continue;
                }
                let Some(folder) = file.path.parent() else {
                    continue;
                };
                match index.get_mut(folder) {
                    Some(files) => files.push(at),
                    None => {
                        index.insert(folder.to_path_buf(), vec![at]);
                    }
                }
            }
            index
        })
    }

    /// The ids of the Terraform files of `folder` (a module's).
    fn in_folder<'m>(&'m self, model: &Model, folder: &Path) -> impl Iterator<Item = usize> + 'm {
        self.folders(model)
            .get(folder)
            .into_iter()
            .flatten()
            .copied()
    }

    /// The resources read from the Terraform files of `folder`.
    pub(crate) fn resources_in_folder<'m>(
        &'m self,
        model: &'m Model,
        folder: &Path,
    ) -> impl Iterator<Item = &'m Resource> {
        self.in_folder(model, folder)
            .flat_map(move |at| self.resources_in(model, FileId(at as u32)))
    }

    /// The resources read from `file`.
    pub(crate) fn resources_in<'m>(
        &'m self,
        model: &'m Model,
        file: FileId,
    ) -> impl Iterator<Item = &'m Resource> {
        let index = self.resources.get_or_init(|| {
            let mut index: HashMap<FileId, Vec<usize>> = HashMap::new();
            for (at, resource) in model.resources.iter().enumerate() {
                index.entry(resource.file).or_default().push(at);
            }
            index
        });
        index
            .get(&file)
            .into_iter()
            .flatten()
            .map(move |&at| &model.resources[at])
    }

    /// The Terraform files of the folders `value` was read in: its own
    /// and each of its origins' (a var file's root, a module call's
    /// caller), each once.
    pub(crate) fn reading<'m>(
        &'m self,
        model: &'m Model,
        value: &Value,
    ) -> impl Iterator<Item = &'m SourceFile> {
        let mut folders: Vec<&Path> = Vec::new();
        let spans = std::iter::once(value.span).chain(
            value
                .origins
                .as_deref()
                .unwrap_or_default()
                .iter()
                .filter_map(|o| o.span),
        );
        for span in spans {
            let folder = model
                .files
                .get(span.file.0 as usize)
                .and_then(|f| f.path.parent());
            if let Some(folder) = folder.filter(|f| !folders.contains(f)) {
                folders.push(folder);
            }
        }
        folders
            .into_iter()
            .flat_map(move |folder| self.in_folder(model, folder))
            .map(move |at| &model.files[at])
    }
}
