"""Content blocks of a module: what a trainer can put on a module page."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents import get_document_model
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageChooserBlock

from academy.blocks import GlossaryBlock

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "h3", "h4"]


class HeadingBlock(blocks.CharBlock):
    class Meta:
        icon = "title"
        label = _("Heading")
        template = "courses/blocks/heading.html"
        preview_value = "Working with residents' associations"
        description = _("A section heading inside the module.")


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        super().__init__(features=RICH_TEXT_FEATURES, **kwargs)

    class Meta:
        icon = "pilcrow"
        label = _("Text")
        template = "courses/blocks/paragraph.html"
        preview_value = (
            "<p>Community policing starts with <b>knowing the neighbourhood</b>: who lives "
            "there, what worries them and who they already trust.</p>"
        )
        description = _("Paragraphs with lists and links.")


class LibraryPreviewMixin:
    """Preview with a file of the library, where there is one to show."""

    def get_preview_value(self):
        chosen = self.library_model().objects.order_by("pk").first()
        return self.to_python({self.library_field: chosen.pk if chosen else None, **self.sample})


class CaptionedImageBlock(LibraryPreviewMixin, blocks.StructBlock):
    library_field = "image"
    library_model = staticmethod(get_image_model)
    sample = {"alt_text": "", "caption": "A neighbourhood walk with residents"}

    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Text alternative"),
        required=False,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False)

    class Meta:
        icon = "image"
        label = _("Image with caption")
        template = "courses/blocks/image.html"
        description = _("An image, its text alternative and a caption.")


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(label=_("Video address"), help_text=_("e.g. a link to the video page"))
    caption = blocks.CharBlock(label=_("Caption"), required=False)
    transcript = blocks.TextBlock(label=_("Transcript"), required=False)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "courses/blocks/video.html"
        description = _("An embedded video with an optional transcript.")


class DocumentBlock(LibraryPreviewMixin, blocks.StructBlock):
    library_field = "document"
    library_model = staticmethod(get_document_model)
    sample = {"title": "Local safety contract template"}

    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(label=_("Link text"), required=False)

    class Meta:
        icon = "doc-full"
        label = _("Document download")
        template = "courses/blocks/document.html"
        description = _("A handout, form or legal text to download.")


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("Kind"),
        choices=[("tip", _("Tip")), ("warning", _("Warning")), ("legal", _("Legal note"))],
        default="tip",
    )
    text = blocks.RichTextBlock(label=_("Text"), features=["bold", "italic", "link"])

    class Meta:
        icon = "warning"
        label = _("Callout")
        template = "courses/blocks/callout.html"
        preview_value = {
            "kind": "legal",
            "text": "<p>Check the local data-protection rules before sharing residents' "
            "contact details with partners.</p>",
        }
        description = _("A tip, warning or legal note that stands out.")


class CaseStudyBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"))
    scenario = blocks.RichTextBlock(label=_("Scenario"), features=RICH_TEXT_FEATURES)
    questions = blocks.ListBlock(
        blocks.CharBlock(label=_("Question")), label=_("Discussion questions")
    )

    class Meta:
        icon = "folder-open-inverse"
        label = _("Case study")
        template = "courses/blocks/case_study.html"
        preview_value = {
            "title": "Noise on the square",
            "scenario": "<p>Residents complain every weekend about groups gathering on the "
            "square until late at night.</p>",
            "questions": [
                "Whom would you invite to a first meeting?",
                "What could the young people themselves propose?",
            ],
        }
        description = _("A real situation and questions to discuss.")


class KeyPointsBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), default=_("Key points"))
    points = blocks.ListBlock(blocks.CharBlock(label=_("Point")), label=_("Points"))

    class Meta:
        icon = "list-ul"
        label = _("Key points")
        template = "courses/blocks/key_points.html"
        preview_value = {
            "title": "Key points",
            "points": ["Listen before you act", "Agree on who does what", "Report back"],
        }
        description = _("A short summary of what to remember.")


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(label=_("Who said it"), required=False)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "courses/blocks/quote.html"
        preview_value = {
            "quote": "The police are the public and the public are the police.",
            "attribution": "Sir Robert Peel",
        }
        description = _("A quotation and who said it.")


class ReflectionBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("Question"))
    guidance = blocks.TextBlock(label=_("Guidance"), required=False)

    class Meta:
        icon = "help"
        label = _("Reflection question")
        template = "courses/blocks/reflection.html"
        preview_value = {
            "question": "When did a resident last help you solve a problem?",
            "guidance": "Think of what made that cooperation possible.",
        }
        description = _("A question the officer thinks about on their own.")


class CourseContentBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    image = CaptionedImageBlock()
    video = VideoBlock()
    document = DocumentBlock()
    callout = CalloutBlock()
    case_study = CaseStudyBlock()
    key_points = KeyPointsBlock()
    quote = QuoteBlock()
    reflection = ReflectionBlock()
    glossary = GlossaryBlock()
