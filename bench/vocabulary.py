"""Vietnamese words and phrases for the seeded newsroom: a provincial paper's places, people and topics.

Sentences are put together from these pieces at random (with a fixed seed), so the text reads like news
copy, carries every kind of diacritic, and folds to the same few thousand search words as a real paper.
"""

SECTIONS = [
    "Thời sự", "Chính trị", "Kinh tế", "Xã hội", "Văn hóa",
    "Giáo dục", "Y tế", "Thể thao", "Pháp luật", "Nông nghiệp",
]

PLACES = [
    "Bắc Kạn", "Ba Bể", "Pác Nặm", "Ngân Sơn", "Chợ Đồn", "Chợ Mới", "Na Rì", "Bạch Thông",
    "Nà Phặc", "Bằng Vân", "Quảng Khê", "Yến Lạc", "Cẩm Giàng", "Đồng Lạc", "Thượng Quan", "Khang Ninh",
    "Hà Hiệu", "Cao Sơn", "Xuân Dương", "Nghiên Loan",
]

FAMILY_NAMES = ["Nông", "Hoàng", "Triệu", "Lưu", "Hà", "Đặng", "Lường", "Ma", "Lý", "Phạm", "Nguyễn", "Trần", "Vi", "Đàm"]
MIDDLE_NAMES = ["Thị", "Văn", "Đức", "Thu", "Minh", "Quốc", "Ngọc", "Thanh", "Hải", "Kim"]
GIVEN_NAMES = [
    "Vui", "Hằng", "Tuyết", "Dũng", "Thắng", "Hương", "Lộc", "Quỳnh", "Đạt", "Nhung", "Sơn", "Trường",
    "Yến", "Thảo", "Khải", "Ánh", "Bích", "Dương", "Giang", "Hiếu", "Luận", "Mỹ", "Phượng", "Sỹ",
]

SUBJECTS = [
    "Ủy ban nhân dân tỉnh", "Hội đồng nhân dân huyện", "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Giáo dục và Đào tạo", "Bệnh viện Đa khoa tỉnh", "Hội Nông dân xã", "Đoàn Thanh niên",
    "Ban Quản lý Vườn quốc gia", "Công an huyện", "Hợp tác xã chè", "Trung tâm Y tế huyện",
    "Liên đoàn Lao động tỉnh", "Hội Liên hiệp Phụ nữ", "Ban Chỉ huy Quân sự huyện", "Thư viện tỉnh",
    "Đội tuyển bóng chuyền", "Trường Phổ thông Dân tộc nội trú", "Chi cục Kiểm lâm",
]

VERBS = [
    "tổ chức", "triển khai", "kiểm tra", "tổng kết", "phát động", "hỗ trợ", "khánh thành", "đánh giá",
    "bàn giao", "nghiệm thu", "tuyên truyền", "khởi công", "trao tặng", "ký kết", "thăm hỏi", "hướng dẫn",
]

OBJECTS = [
    "mô hình trồng cam sành", "công trình đường giao thông nông thôn", "chương trình mục tiêu quốc gia",
    "đợt tiêm chủng mở rộng", "lớp tập huấn kỹ thuật chăn nuôi", "hội thi văn nghệ quần chúng",
    "dự án nước sạch", "kế hoạch phòng chống cháy rừng", "điểm trường mầm non", "cây cầu treo dân sinh",
    "hội chợ nông sản", "giải việt dã truyền thống", "chuỗi liên kết sản xuất miến dong",
    "phong trào xây dựng nông thôn mới", "lễ hội Lồng tồng", "nhà văn hóa thôn", "vùng chè Shan tuyết",
    "chính sách hỗ trợ hộ nghèo", "đợt khám bệnh miễn phí", "kỳ thi tốt nghiệp trung học phổ thông",
]

ADVERBIALS = [
    "trong năm nay", "từ đầu tháng", "theo kế hoạch đã đề ra", "với sự tham gia của đông đảo người dân",
    "trên địa bàn tỉnh", "nhằm nâng cao đời sống đồng bào các dân tộc", "bất chấp mưa lũ kéo dài",
    "dưới sự chỉ đạo của cấp ủy", "sớm hơn dự kiến hai tuần", "với tổng kinh phí hơn mười tỷ đồng",
]

RESULTS = [
    "Kết quả cho thấy thu nhập bình quân của người dân tăng rõ rệt so với cùng kỳ.",
    "Nhiều hộ gia đình đã thoát nghèo bền vững nhờ mạnh dạn chuyển đổi cây trồng.",
    "Đại diện địa phương cho biết sẽ tiếp tục nhân rộng cách làm này trong thời gian tới.",
    "Người dân phấn khởi vì con đường mới giúp việc đi lại, buôn bán thuận tiện hơn.",
    "Các đại biểu đã thảo luận sôi nổi, đóng góp nhiều ý kiến tâm huyết.",
    "Đến nay, đã có hàng trăm lượt người được hỗ trợ kịp thời.",
    "Đoàn công tác ghi nhận những nỗ lực của cán bộ cơ sở và đề nghị khắc phục một số tồn tại.",
    "Ông cho biết: “Chúng tôi quyết tâm hoàn thành chỉ tiêu trước ngày khai giảng”.",
    "Bà con mong muốn chính quyền tiếp tục quan tâm đầu tư hạ tầng, nhất là điện và nước sạch.",
    "Theo thống kê, tỷ lệ che phủ rừng của huyện đạt trên bảy mươi phần trăm.",
    "Giải đấu thu hút hàng nghìn cổ động viên đến cổ vũ.",
    "Lực lượng chức năng đã kịp thời xử lý, không để xảy ra thiệt hại về người.",
]

KICKERS = ["Tin nóng", "Phóng sự", "Ghi chép", "Góc nhìn", "Chuyện làng", "Nhìn từ cơ sở", "Bạn đọc viết"]

CAPTIONS = [
    "Quang cảnh buổi lễ tại trung tâm huyện.", "Người dân thu hoạch chè trên đồi.",
    "Các đại biểu cắt băng khánh thành công trình.", "Học sinh vui mừng trong ngày nhận quà.",
    "Cán bộ y tế khám bệnh cho người cao tuổi.", "Hồ Ba Bể mùa nước lên.",
    "Vận động viên tranh tài trên đường chạy.", "Đoàn kiểm tra thực địa tại hiện trường.",
    "Sản phẩm miến dong được đóng gói trước khi xuất bán.", "Nghệ nhân biểu diễn hát then, đàn tính.",
]

CREDITS = ["Ảnh: Nông Vui", "Ảnh: Hà Linh", "Ảnh: Triệu Thắng", "Ảnh: TTXVN", "Ảnh: Cộng tác viên", "Ảnh: Lưu Hằng"]

# Words only a handful of stories carry, so that a rare-word search has few hits to rank.
RARE_PHRASE = "Khuổi Ún"

TAGS = [
    "Nông thôn mới", "Giảm nghèo", "Chuyển đổi số", "Phòng chống thiên tai", "Du lịch cộng đồng",
    "An toàn giao thông", "Bảo vệ rừng", "Đại hội Đảng", "Bầu cử", "Sản phẩm OCOP", "Tuyển sinh",
    "Dịch bệnh", "Văn hóa dân tộc", "Khởi nghiệp", "Cải cách hành chính", "Thể thao quần chúng",
]
